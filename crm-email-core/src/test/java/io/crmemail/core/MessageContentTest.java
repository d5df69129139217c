package io.crmemail.core;

import static io.crmemail.core.testsupport.TestWorld.CALLER;
import static org.assertj.core.api.Assertions.assertThat;

import io.crmemail.core.message.EmailMetadata;
import io.crmemail.core.template.Template;
import io.crmemail.core.template.TemplateRequest;
import io.crmemail.core.testsupport.Messages;
import io.crmemail.core.testsupport.TestWorld;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code {{name}}} variables and templates, as stored at acceptance. */
class MessageContentTest {

    @TempDir
    Path temp;

    TestWorld world;
    EmailService service;

    @BeforeEach
    void setUp() {
        world = new TestWorld(temp, 2525);
        service = world.service();
    }

    private EmailMetadata send(MessageRequest.Builder request) {
        return service.sendMessage(CALLER, request.build()).metadata();
    }

    @Test
    void variablesAreEscapedInHtmlOneLineInTheSubjectAndAsGivenInText() {
        EmailMetadata m = send(Messages.basic()
                .subject("Hi {{name}}!").html("<p>Hi {{ name }}, <a href=\"https://x.example/?u={{id}}\">go</a></p>")
                .text("Hi {{name}}").variable("name", "<b>Ann</b> & \"Co\"\r\nBcc: x@example.org")
                .variable("id", "1&2"));
        assertThat(m.subject()).isEqualTo("Hi <b>Ann</b> & \"Co\"  Bcc: x@example.org!");
        assertThat(m.body()).isEqualTo("<p>Hi &lt;b&gt;Ann&lt;/b&gt; &amp; \"Co\"\r\nBcc: x@example.org, "
                + "<a href=\"https://x.example/?u=1&amp;2\">go</a></p>");
        assertThat(m.text()).isEqualTo("Hi <b>Ann</b> & \"Co\"\r\nBcc: x@example.org");
    }

    @Test
    void substitutionIsOnePassSoAValueIsNeverScannedAgain() {
        EmailMetadata m = send(Messages.basic().subject("{{a}} and {{b}}").html("<p>{{a}}</p>")
                .variable("a", "{{b}}").variable("b", "{{a}}"));
        assertThat(m.subject()).isEqualTo("{{b}} and {{a}}");
        assertThat(m.body()).isEqualTo("<p>{{b}}</p>");
    }

    @Test
    void mergeFieldsAreNotVariables() {
        EmailMetadata m = send(Messages.onRecord().subject("{{field:title}} / {{field}}").variable("field", "v"));
        assertThat(m.subject()).isEqualTo("{{field:title}} / v");
    }

    @Test
    void aTemplateFillsWhatTheRequestLeavesEmpty() {
        Template t = service.createTemplate(CALLER, new TemplateRequest("welcome", "Welcome {{name}}",
                "<p>Hello {{name}} at {{field:company}}<script>x</script></p>", "Hello {{name}}"));

        EmailMetadata fromTemplate = send(Messages.onRecord().subject(null).html(null).template(t.id())
                .variable("name", "Ann & Bob"));
        assertThat(fromTemplate.templateId()).isEqualTo(t.id());
        assertThat(fromTemplate.subject()).isEqualTo("Welcome Ann & Bob");
        assertThat(fromTemplate.body()).isEqualTo("<p>Hello Ann &amp; Bob at {{field:company}}</p>");
        assertThat(fromTemplate.text()).isEqualTo("Hello Ann & Bob");

        EmailMetadata overridden = send(Messages.onRecord().subject("Own subject").html(null).template(t.id())
                .variable("name", "Ann"));
        assertThat(overridden.subject()).isEqualTo("Own subject");
        assertThat(overridden.body()).isEqualTo("<p>Hello Ann at {{field:company}}</p>");
    }

    @Test
    void aTemplateLinkThatIsOnlyAPlaceholderSurvivesSanitising() {
        Template t = service.createTemplate(CALLER, new TemplateRequest("reset", "Reset",
                "<p><a href=\"{{reset_url}}\" onclick=\"steal()\">Reset</a></p>", null));
        assertThat(t.html()).isEqualTo("<p><a href=\"{{reset_url}}\">Reset</a></p>");

        EmailMetadata m = send(Messages.basic().html(null).template(t.id())
                .variable("reset_url", "https://app.example/reset?t=abc"));
        assertThat(m.body()).isEqualTo("<p><a href=\"https://app.example/reset?t=abc\">Reset</a></p>");
        // A value that is not an http(s) link is dropped by the send-time sanitiser, like any other.
        EmailMetadata hostile = send(Messages.basic().html(null).template(t.id())
                .variable("reset_url", "javascript:alert(1)"));
        assertThat(hostile.body()).isEqualTo("<p><a>Reset</a></p>");
    }
}

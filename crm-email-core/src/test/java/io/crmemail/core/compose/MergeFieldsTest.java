package io.crmemail.core.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MergeFieldsTest {

    @Test
    void slugsAreDistinctInOrderOfAppearance() {
        Set<String> slugs = MergeFields.slugs("{{field:b}} {{ field:a }} {{field:b}} {{field:first_name.x-1}}");
        assertThat(slugs).containsExactly("b", "a", "first_name.x-1");
    }

    @Test
    void slugsIgnoreMalformedTokens() {
        assertThat(MergeFields.slugs("{{field:}} {{fields:a}} {field:b} {{field:c d}} {{field:ok}}"))
                .containsExactly("ok");
    }

    @Test
    void nullTemplate() {
        assertThat(MergeFields.slugs(null)).isEmpty();
        assertThat(MergeFields.render(null, Map.of("a", 1), true)).isEmpty();
        assertThat(MergeFields.renderHeader(null, Map.of())).isEmpty();
    }

    @Test
    void rendersWithOptionalSpaces() {
        String out = MergeFields.render("Hi {{field:name}}, {{  field:name  }}!", Map.of("name", "Ann"), false);
        assertThat(out).isEqualTo("Hi Ann, Ann!");
    }

    @Test
    void missingAndNullValuesBecomeEmpty() {
        Map<String, Object> values = new HashMap<>();
        values.put("nothing", null);
        assertThat(MergeFields.render("[{{field:nothing}}][{{field:absent}}]", values, true)).isEqualTo("[][]");
        assertThat(MergeFields.render("[{{field:absent}}]", null, false)).isEqualTo("[]");
    }

    @Test
    void escapesHtmlOnlyWhenAsked() {
        Map<String, String> values = Map.of("v", "<b>&\"'</b>");
        assertThat(MergeFields.render("<p>{{field:v}}</p>", values, true))
                .isEqualTo("<p>&lt;b&gt;&amp;&quot;&#39;&lt;/b&gt;</p>");
        assertThat(MergeFields.render("{{field:v}}", values, false)).isEqualTo("<b>&\"'</b>");
    }

    @Test
    void valuesAreNeverSubstitutedAgain() {
        Map<String, String> values = Map.of("a", "{{field:b}}", "b", "SECRET");
        assertThat(MergeFields.render("{{field:a}} {{field:b}}", values, false)).isEqualTo("{{field:b}} SECRET");
        assertThat(MergeFields.render("{{field:a}}", values, true)).isEqualTo("{{field:b}}");
    }

    @Test
    void regexSpecialCharactersInValuesAreLiteral() {
        assertThat(MergeFields.render("{{field:a}}", Map.of("a", "$1 \\ $0"), false)).isEqualTo("$1 \\ $0");
    }

    @Test
    void collectionsAreJoined() {
        Map<String, Object> values = Map.of("tags", List.of("vip", "new"), "n", 42,
                "mixed", Arrays.asList("a", null, 3));
        assertThat(MergeFields.render("{{field:tags}}|{{field:n}}|{{field:mixed}}", values, true))
                .isEqualTo("vip, new|42|a, , 3");
    }

    @Test
    void headerValuesCannotInjectLines() {
        Map<String, String> values = Map.of("v", "Ann\r\nBcc: evil@example.org\rX\nY\tZ\u0000\u2028W");
        String out = MergeFields.renderHeader("  Welcome {{field:v}}  ", values);
        assertThat(out).doesNotContain("\r", "\n", "\t", "\u0000", "\u2028")
                .isEqualTo("Welcome Ann  Bcc: evil@example.org X Y Z  W");
    }

    @Test
    void headerIsNotEscaped() {
        assertThat(MergeFields.renderHeader("{{field:v}}", Map.of("v", "A & B <c>"))).isEqualTo("A & B <c>");
    }

    @Test
    void textWithoutTokensIsUnchanged() {
        String template = "no tokens {{ here }} {{field:}}";
        assertThat(MergeFields.render(template, Map.of(), true)).isEqualTo(template);
    }
}

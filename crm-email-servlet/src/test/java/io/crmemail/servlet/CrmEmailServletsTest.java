package io.crmemail.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crmemail.core.EmailService;
import io.crmemail.core.attachment.FileSystemAttachmentStore;
import io.crmemail.core.record.InMemoryRecordDirectory;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mounting entry point without a container. */
class CrmEmailServletsTest {

    @TempDir
    Path temp;

    EmailService service() {
        return EmailService.builder().records(new InMemoryRecordDirectory())
                .attachments(new FileSystemAttachmentStore(temp)).workers(0).build();
    }

    @Test
    void servletsWithTheSpecPaths() {
        try (EmailService service = service()) {
            CrmEmailServlets servlets = CrmEmailServlets.builder(service)
                    .authenticator(request -> Optional.empty()).accessPolicy(AccessPolicy.allowAll()).build();
            assertThat(servlets.servlets()).extracting(CrmEmailServlets.ServletMount::urlPatterns).containsExactly(
                    java.util.List.of("/api/email/*"), java.util.List.of("/api/table/*"),
                    java.util.List.of("/email/pixel/*"), java.util.List.of("/webhooks/email_receive"),
                    java.util.List.of("/email/click/*"), java.util.List.of("/email/unsubscribe/*"),
                    java.util.List.of("/api/v1/*"));
            assertThat(servlets.servlets()).extracting(CrmEmailServlets.ServletMount::name).doesNotHaveDuplicates();
        }
    }

    @Test
    void authenticatorAndAccessPolicyAreRequired() {
        try (EmailService service = service()) {
            assertThatThrownBy(() -> CrmEmailServlets.builder(service).accessPolicy(AccessPolicy.allowAll()).build())
                    .hasMessageContaining("authenticator");
            assertThatThrownBy(() -> CrmEmailServlets.builder(service).authenticator(r -> Optional.empty()).build())
                    .hasMessageContaining("accessPolicy");
            assertThatThrownBy(() -> CrmEmailServlets.builder(service).maxBodyBytes(0))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}

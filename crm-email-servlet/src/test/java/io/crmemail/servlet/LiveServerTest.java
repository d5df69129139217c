package io.crmemail.servlet;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A fresh {@link TestServer} per test, delivering to an in-process GreenMail SMTP server. */
abstract class LiveServerTest {

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path temp;

    TestServer server;

    /** The server of each test; override to configure it. */
    TestServer start() {
        return TestServer.start(temp, greenMail.getSmtp().getPort());
    }

    @BeforeEach
    void startServer() {
        server = start();
    }

    @AfterEach
    void stopServer() throws Exception {
        server.close();
    }
}

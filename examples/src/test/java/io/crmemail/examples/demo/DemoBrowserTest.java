package io.crmemail.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The newcomer's first ten minutes in a real headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}): sign in, open a record, compose with a merge field, a signature and an
 * attachment, send, see {@code sent}, find the mail in the dev mailbox, open it ({@code read}), reply as the
 * recipient, and see the reply under the email on the record. One screenshot per step in
 * {@code target/screenshots}. Without Chromium the test is skipped, unless {@code CI=true}: then it fails.
 */
class DemoBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    @TempDir
    Path temp;

    private DemoServer demo;
    private ChromeDriverService driverService;
    private WebDriver browser;
    private WebDriverWait wait;
    private String base;

    @BeforeEach
    void start() throws Exception {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present) {
            String message = "Chromium not found (" + CHROMIUM + ", " + CHROMEDRIVER
                    + "); install with: apt-get install -y chromium chromium-driver";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(message);
            }
            Assumptions.abort(message + " — browser test skipped");
        }
        demo = DemoServer.start(DemoOptions.defaults().withDataDir(temp.resolve("data"))
                .withPorts(0, DemoOptions.FREE_PORT), WorldConfig.builtIn());
        base = demo.localUrl();

        // Explicit paths, so Selenium Manager never looks for (or downloads) a driver or browser.
        driverService = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + Files.createDirectories(temp.resolve("chromium-profile")));
        browser = new ChromeDriver(driverService, options);
        browser.manage().window().setSize(new Dimension(1360, 1000));
        // The pages redraw lists while a wait polls (the signature list is rebuilt by loadSignatures(), the
        // mailbox and timeline refresh on a timer): an element found a moment ago may be gone, or not there
        // yet, on this poll. Both only mean "not yet", so every wait ignores them and polls again.
        wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        wait.ignoring(StaleElementReferenceException.class, NoSuchElementException.class);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (driverService != null) {
            driverService.stop();
        }
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void signInComposeSendOpenAndReply() throws Exception {
        // 1. A visitor is sent to the sign-in page and signs in with a token.
        browser.get(base + "/");
        wait.until(ExpectedConditions.urlContains("/login"));
        browser.findElement(By.id("token")).sendKeys("alice-secret");
        screenshot("01-sign-in");
        browser.findElement(By.id("signin")).click();

        // 2. The records list; open Jane Doe.
        WebElement jane = wait.until(ExpectedConditions.elementToBeClickable(
                By.cssSelector("a.record-link[data-table='1'][data-record='456']")));
        assertThat(browser.findElement(By.id("who")).getText()).contains("Alice");
        screenshot("02-records");
        jane.click();
        wait.until(ExpectedConditions.textToBe(By.id("record-title"), "Jane Doe"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("timeline"), "No emails yet"));
        assertThat(browser.findElement(By.cssSelector("td[data-field='company']")).getText()).isEqualTo("Initech");
        screenshot("03-record");

        // 3. Compose: To suggested from the record, a merge field in subject and body, a new default signature,
        //    an uploaded attachment.
        click(By.id("compose-btn"));
        wait.until(d -> new Select(d.findElement(By.id("from"))).getOptions().stream()
                .anyMatch(o -> !o.getAttribute("value").isEmpty()));
        wait.until(d -> new Select(d.findElement(By.id("field-picker"))).getOptions().size() > 1);
        assertThat(browser.findElement(By.id("to")).getAttribute("value")).isEqualTo("lead@example.org");
        List<String> pickable = new Select(browser.findElement(By.id("field-picker"))).getOptions().stream()
                .map(o -> o.getAttribute("value")).toList();
        assertThat(pickable).containsExactly("", "title", "company", "email");   // no key, no calc

        WebElement subject = browser.findElement(By.id("subject"));
        subject.sendKeys("Welcome ");
        new Select(browser.findElement(By.id("field-picker"))).selectByValue("title");
        assertThat(subject.getAttribute("value")).isEqualTo("Welcome {{field:title}}");
        WebElement body = browser.findElement(By.id("body"));
        body.click();
        body.sendKeys("Hi ");
        new Select(browser.findElement(By.id("field-picker"))).selectByValue("title");
        body.sendKeys(", thanks for your interest in Acme.");
        assertThat(body.getAttribute("value")).isEqualTo("Hi {{field:title}}, thanks for your interest in Acme.");

        browser.findElement(By.id("sig-manage")).click();
        browser.findElement(By.id("sig-name")).sendKeys("Work");
        browser.findElement(By.id("sig-html")).sendKeys("<p>Alice Example · Acme Sales</p>");
        browser.findElement(By.id("sig-default")).click();
        browser.findElement(By.id("sig-save")).click();
        wait.until(d -> new Select(d.findElement(By.id("signature"))).getFirstSelectedOption().getText().equals("Work (default)"));

        Path brochure = temp.resolve("brochure.txt");
        Files.writeString(brochure, "Acme brochure\n");
        browser.findElement(By.id("attach")).sendKeys(brochure.toAbsolutePath().toString());
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("attachments"), "brochure.txt"));
        screenshot("04-compose");

        // 4. Send: the email appears on the timeline and turns "sent".
        browser.findElement(By.id("send")).click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("compose")));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".email-out .status[data-status='sent']")));
        // Once sent, the timeline shows the subject as it went out, merged, not the template.
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".email-out .mail-subject"),
                "Welcome Jane Doe"));
        screenshot("05-sent");

        // 5. The dev mailbox caught it, merged and signed.
        browser.findElement(By.linkText("Dev mailbox")).click();
        click(By.cssSelector(".mail-row"));
        wait.until(ExpectedConditions.textToBe(By.id("mail-subject"), "Welcome Jane Doe"));
        browser.findElement(By.cssSelector(".tabs button[data-tab='text']")).click();
        String text = browser.findElement(By.id("mail-text")).getText();
        assertThat(text).contains("Hi Jane Doe, thanks for your interest in Acme.").contains("Alice Example · Acme Sales");
        browser.findElement(By.cssSelector(".tabs button[data-tab='html']")).click();
        screenshot("06-mailbox");
        assertThat(status()).as("viewing in the dev mailbox must not count as an open").isEqualTo("sent");

        // 6. "Open" loads the tracking pixel: the message becomes "read".
        browser.findElement(By.id("open-btn")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("mail-flash"), "read"));
        wait.until(d -> "read".equals(status()));
        screenshot("07-opened");

        // 7. Reply as the recipient through the inbound webhook.
        browser.findElement(By.id("reply-btn")).click();
        WebElement reply = browser.findElement(By.id("reply-text"));
        reply.clear();
        reply.sendKeys("Thanks, sounds good! Monday works.");
        browser.findElement(By.id("reply-send")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("mail-flash"), "Reply delivered"));
        screenshot("08-replied");

        // 8. Back on the record: read, with the reply under it.
        browser.get(base + "/record/1/456");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".email-out .status[data-status='read']")));
        // The timeline is redrawn whenever the comments change, so read it inside waits that find it afresh.
        String replyText = wait.until(d -> d.findElement(By.cssSelector(".email-out .replies .email-in")).getText());
        assertThat(replyText).contains("Thanks, sounds good! Monday works.").doesNotContain("wrote:");
        String cardText = wait.until(d -> d.findElement(By.cssSelector(".email-out")).getText());
        assertThat(cardText).contains("brochure.txt");
        screenshot("09-record-with-reply");
    }

    @Test
    void signInNeverRedirectsToAnotherSite() throws Exception {
        // "/<TAB>/evil.example" first: the browser strips the TAB, which leaves "//evil.example", another site.
        for (String next : new String[] {"%2F%09%2Fevil.example", "%2F%0A%2Fevil.example", "%2F%2Fevil.example",
                "%2F%5Cevil.example", "https%3A%2F%2Fevil.example%2F", "javascript%3Aalert(1)"}) {
            browser.get(base + "/login?next=" + next);
            signIn("alice-secret");
            assertThat(browser.getCurrentUrl()).as("after sign-in with next=" + next).startsWith(base + "/");
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("a.record-link")));
            assertThat(browser.getCurrentUrl()).as(next).isEqualTo(base + "/");
        }

        // A path on this site is still followed, with its query and fragment.
        browser.get(base + "/login?next=%2Frecord%2F1%2F456%3Fx%3D1%23top");
        signIn("alice-secret");
        wait.until(ExpectedConditions.textToBe(By.id("record-title"), "Jane Doe"));
        assertThat(browser.getCurrentUrl()).isEqualTo(base + "/record/1/456?x=1#top");
    }

    private void signIn(String token) {
        WebElement field = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
        field.clear();
        field.sendKeys(token);
        browser.findElement(By.id("signin")).click();
        wait.until(d -> !d.getCurrentUrl().contains("/login"));
    }

    /** Finds and clicks in one step, again if the element was redrawn in between. */
    private void click(By by) {
        wait.until(d -> {
            WebElement e = d.findElement(by);
            if (!e.isDisplayed() || !e.isEnabled()) {
                return false;
            }
            e.click();
            return true;
        });
    }

    /** The status of the record's one email, read through the API as the UI would. */
    private String status() {
        return demo.emailService().comments(new io.crmemail.core.Caller(1, 1), 1, 456).get(0).status().wire();
    }

    private void screenshot(String name) throws Exception {
        File shot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}

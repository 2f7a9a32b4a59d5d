package dev.caravan.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import dev.caravan.keys.KeyState;
import dev.caravan.support.Gateway;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.RequiredTools;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Issue 6 end to end, in a real headless browser (Debian's Chromium through Debian's chromedriver; nothing is
 * downloaded): log in, see the key table, disable a key and see the pool skip it, change MAX_RETRIES and see the
 * next request make that many attempts, read the logs, log out and be refused. A screenshot of each view goes to
 * target/screenshots/. Skipped where Chromium or chromedriver is not installed, except in CI (CI=true), where .ci/run
 * installs both and their absence fails the test.
 */
class AdminPageInABrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final String KEY_A = "browser-key-aaaa-0001";
    private static final String KEY_B = "browser-key-bbbb-0002";
    private static final String KEY_C = "browser-key-cccc-0003";
    private static final String KEY_D = "browser-key-dddd-0004";

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys(KEY_A, KEY_B, KEY_C, KEY_D);

    private static WebDriver browser;
    private static Path profile;

    @BeforeAll
    static void openBrowser() throws Exception {
        RequiredTools.require("the admin page's browser test needs Debian's chromium and chromium-driver", CHROMIUM,
                CHROMEDRIVER);
        // Selenium Manager must never look for (or download) a driver or a browser
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        profile = Files.createTempDirectory("caravan-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-extensions", "--window-size=1440,1000", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void closeBrowser() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (profile != null) {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    void anOperatorManagesThePoolFromTheBrowser() throws Exception {
        // some traffic, so the dashboard and the logs have something to show
        for (int i = 0; i < 8; i++) {
            gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("hello " + i));
        }
        gateway.stub().answerFor(KEY_D, r -> new StubGemini.Json(429, GoogleBodies.quotaPerMinute("600s")));
        gateway.stub().answer(r -> new StubGemini.Json(400, GoogleBodies.badRequest()));
        gateway.post("/v1beta/models/gemini-2.5-pro:generateContent", Gateway.prompt("bad"));
        gateway.stub().reset();
        gateway.stub().answerFor(KEY_D, r -> new StubGemini.Json(429, GoogleBodies.quotaPerMinute("600s")));
        for (int i = 0; i < 4; i++) {
            gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("more " + i));
        }

        // log in
        browser.get(gateway.url("/admin"));
        WebElement token = waitVisible(By.id("login-token"));
        screenshot("login");
        token.sendKeys("not-the-token");
        browser.findElement(By.cssSelector("#login-form button[type=submit]")).click();
        wait(ExpectedConditions.textToBePresentInElementLocated(By.id("login-error"), "Wrong admin token"));
        token.clear();
        token.sendKeys(Gateway.ADMIN_TOKEN);
        browser.findElement(By.cssSelector("#login-form button[type=submit]")).click();

        // the dashboard
        waitVisible(By.id("view-dashboard"));
        wait(d -> d.findElements(By.cssSelector("#dash-stats .stat")).size() == 5);
        wait(d -> d.findElements(By.cssSelector("#chart-hour rect.bar-req")).size() > 0);
        assertThat(browser.findElement(By.id("dash-stats")).getText()).contains("Requests, last hour", "Usable keys");
        screenshot("dashboard");

        // the key table
        browser.findElement(By.cssSelector("#tabs a[data-view=keys]")).click();
        wait(d -> d.findElements(By.cssSelector("#keys-body tr[data-fp]")).size() == 4);
        String fpB = gateway.key(KEY_B).fingerprint();
        assertThat(browser.findElement(By.id("keys-body")).getText()).contains(gateway.key(KEY_A).mask(), "Cooling")
                .doesNotContain(KEY_A, KEY_B);
        screenshot("keys");

        // disable B: the pool skips it from the next request on
        browser.findElement(By.cssSelector("button[data-action=disable][data-fp='" + fpB + "']")).click();
        wait(d -> d.findElement(By.cssSelector("#keys-body tr[data-fp='" + fpB + "']")).getText().contains("Disabled by operator"));
        assertThat(gateway.key(KEY_B).state()).isEqualTo(KeyState.DISABLED);
        gateway.stub().reset();
        for (int i = 0; i < 6; i++) {
            assertThat(gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("skip")).statusCode())
                    .isEqualTo(200);
        }
        // D still cools for this model (its 429 above): A and C share the requests
        assertThat(gateway.stub().keysSeen()).hasSize(6).containsOnly(KEY_A, KEY_C);
        screenshot("keys-disabled");

        // MAX_RETRIES 3 → 2, and the next failing request makes two attempts
        browser.findElement(By.cssSelector("#tabs a[data-view=settings]")).click();
        WebElement retries = waitVisible(By.id("set-MAX_RETRIES"));
        assertThat(retries.getAttribute("value")).isEqualTo("3");
        retries.clear();
        retries.sendKeys("2");
        browser.findElement(By.id("settings-save")).click();
        wait(ExpectedConditions.textToBePresentInElementLocated(By.id("settings-message"), "in force now"));
        assertThat(gateway.caravan().configuration().runtime().maxRetries()).isEqualTo(2);
        gateway.stub().reset();
        gateway.stub().answer(r -> new StubGemini.Json(503, GoogleBodies.unavailable()));
        // a model no key cools for: A, C and D are eligible, so three attempts were possible
        gateway.post("/v1beta/models/gemini-2.0-flash:generateContent", Gateway.prompt("twice"));
        assertThat(gateway.stub().received()).hasSize(2);
        gateway.stub().reset();
        // a wrong value gets its own message
        WebElement timeout = browser.findElement(By.id("set-TIME_OUT"));
        timeout.clear();
        timeout.sendKeys("0");
        browser.findElement(By.id("settings-save")).click();
        wait(ExpectedConditions.textToBePresentInElementLocated(By.id("err-TIME_OUT"), "whole number from 1"));
        ((JavascriptExecutor) browser).executeScript("window.scrollTo(0, 0)");
        screenshot("settings");

        // the logs, and one request in detail
        browser.findElement(By.cssSelector("#tabs a[data-view=logs]")).click();
        wait(d -> d.findElements(By.cssSelector("#logs-body tr[data-request]")).size() > 0);
        screenshot("logs");
        browser.findElement(By.id("logs-status")).sendKeys("5xx");
        browser.findElement(By.cssSelector("#logs-filter button[type=submit]")).click();
        wait(d -> d.findElements(By.cssSelector("#logs-body tr[data-request]")).size() == 1);
        browser.findElement(By.cssSelector("#logs-body tr[data-request]")).click();
        waitVisible(By.id("log-detail"));
        wait(ExpectedConditions.textToBePresentInElementLocated(By.id("log-detail-body"), "Attempts (2)"));
        assertThat(browser.findElement(By.id("log-detail-body")).getText()).contains("UPSTREAM_FAILURE")
                .doesNotContain(KEY_A, KEY_B, KEY_C, KEY_D);
        screenshot("log-detail");

        // log out: the page and the API refuse until the next login
        browser.findElement(By.id("logout")).click();
        waitVisible(By.id("login-token"));
        Object status = ((JavascriptExecutor) browser).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "fetch('/admin/api/keys', {credentials: 'same-origin'}).then(r => done(r.status), e => done(-1));");
        assertThat(((Number) status).intValue()).isEqualTo(401);
        browser.get(gateway.url("/admin#keys"));
        waitVisible(By.id("login-token"));
        assertThat(browser.findElement(By.id("view-keys")).isDisplayed()).isFalse();
        assertThat(browser.manage().getCookieNamed("caravan_admin")).isNull();
        screenshot("logged-out");
    }

    private static WebElement waitVisible(By by) {
        return new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    private static <T> T wait(java.util.function.Function<WebDriver, T> condition) {
        // the page re-renders its tables on every refresh: an element found a moment ago may be gone
        return new WebDriverWait(browser, Duration.ofSeconds(10))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(condition::apply);
    }

    private static void screenshot(String name) throws Exception {
        Path file = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(file, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

}

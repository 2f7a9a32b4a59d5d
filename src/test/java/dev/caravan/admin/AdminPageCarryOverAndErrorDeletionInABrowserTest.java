package dev.caravan.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;

import dev.caravan.support.Gateway;
import dev.caravan.support.GeminiBalanceTables;
import dev.caravan.support.GoogleBodies;
import dev.caravan.support.RequiredTools;
import dev.caravan.support.Rows;
import dev.caravan.support.StubGemini;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Issue 12 in a real headless browser: the Settings view reports what was carried over from gemini-balance's
 * database, and an operator deletes selected error-log rows, then all of them, from the Logs view. Skipped where
 * Chromium or chromedriver is not installed, except in CI.
 */
class AdminPageCarryOverAndErrorDeletionInABrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @RegisterExtension
    static final Gateway gateway = Gateway.withKeys("key-a").beforeStart(file -> {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            GeminiBalanceTables.create(c, GeminiBalanceTables.Flavour.SQLITE,
                    GeminiBalanceTables.settings("MAX_RETRIES", "2", "GITHUB_REPO_NAME", "gemini-balance"));
        }
    });

    private static WebDriver browser;
    private static Path profile;

    @BeforeAll
    static void openBrowser() throws Exception {
        RequiredTools.require("the admin page's browser test needs Debian's chromium and chromium-driver", CHROMIUM,
                CHROMEDRIVER);
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        profile = Files.createTempDirectory("caravan-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-extensions", "--window-size=1440,1000", "--user-data-dir=" + profile);
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build(), options);
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
    void showsTheCarryOverAndDeletesErrorRows() throws Exception {
        gateway.stub().answer(r -> new StubGemini.Json(400, GoogleBodies.badRequest()));
        for (int i = 0; i < 3; i++) {
            gateway.post("/v1beta/models/gemini-2.5-flash:generateContent", Gateway.prompt("bad " + i));
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> Rows.count(gateway::openDatabase, "error_log") == 3);

        browser.get(gateway.url("/admin#settings"));
        wait(ExpectedConditions.visibilityOfElementLocated(By.id("login-token"))).sendKeys(Gateway.ADMIN_TOKEN);
        browser.findElement(By.cssSelector("#login-form button[type=submit]")).click();
        browser.get(gateway.url("/admin#settings"));
        wait(ExpectedConditions.visibilityOfElementLocated(By.id("carryover")));
        wait(ExpectedConditions.textToBePresentInElementLocated(By.id("carryover"), "MAX_RETRIES"));
        assertThat(browser.findElement(By.id("carryover")).getText())
                .contains("Carried over from gemini-balance", "t_settings", "GITHUB_REPO_NAME");

        browser.findElement(By.cssSelector("#tabs a[data-view=logs]")).click();
        browser.findElement(By.cssSelector("[data-log=errors]")).click();
        wait(d -> d.findElements(By.cssSelector("#logs-body input[data-error-id]")).size() == 3);
        browser.findElement(By.cssSelector("#logs-body input[data-error-id]")).click();
        browser.findElement(By.id("errors-delete-selected")).click();
        wait(ExpectedConditions.alertIsPresent()).accept();
        wait(d -> d.findElements(By.cssSelector("#logs-body input[data-error-id]")).size() == 2);
        assertThat(Rows.count(gateway::openDatabase, "error_log")).isEqualTo(2);

        browser.findElement(By.id("errors-delete-all")).click();
        wait(ExpectedConditions.alertIsPresent()).accept();
        wait(ExpectedConditions.textToBePresentInElementLocated(By.id("logs-message"), "Deleted 2"));
        assertThat(Rows.count(gateway::openDatabase, "error_log")).isZero();
    }

    private static <T> T wait(java.util.function.Function<WebDriver, T> condition) {
        return new WebDriverWait(browser, Duration.ofSeconds(10))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(condition::apply);
    }
}

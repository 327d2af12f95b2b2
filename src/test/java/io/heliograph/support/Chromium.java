package io.heliograph.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium from Debian's {@code chromium} package, driven through Debian's
 * {@code chromedriver}; both paths are given, so Selenium never looks for or downloads a browser.
 * {@code .ci/run} installs the two packages when they are missing.
 */
public final class Chromium implements AutoCloseable {
    static final Path BROWSER = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private final ChromeDriver driver;

    private Chromium(ChromeDriver driver) {
        this.driver = driver;
    }

    /** A fresh browser (own profile: no cookies) with a window of the given size. */
    public static Chromium start(int width, int height) {
        if (!Files.isExecutable(BROWSER) || !Files.isExecutable(DRIVER)) {
            throw new IllegalStateException("The browser tests need Debian's chromium and chromium-driver packages "
                    + "(apt-get install chromium chromium-driver; .ci/run installs them)");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run",
                "--disable-extensions", "--disable-background-networking", "--disable-sync", "--disable-default-apps",
                "--window-size=" + width + "," + height);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(width, height));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        return new Chromium(driver);
    }

    public ChromeDriver driver() {
        return driver;
    }

    public void open(String url) {
        driver.get(url);
    }

    public WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    public List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /**
     * Waits (up to 15 s) for the condition, polling. An element the page replaced while the condition
     * looked at it (the page re-renders a table when data arrives) is no failure: the next poll looks again.
     */
    public <T> T until(Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, Duration.ofSeconds(15), Duration.ofMillis(50))
                .ignoring(StaleElementReferenceException.class)
                .until(condition);
    }

    /** Clicks the button named {@code buttonText} in the first row matching {@code rows} and {@code which}, once there is one. */
    public void clickInRow(String rows, java.util.function.Predicate<String> which, String buttonText) {
        until(d -> {
            for (WebElement row : d.findElements(By.cssSelector(rows))) {
                if (which.test(row.getText())) {
                    row.findElement(By.xpath(".//button[normalize-space()='" + buttonText + "']")).click();
                    return true;
                }
            }
            return null;
        });
    }

    /** The element, once it is shown. */
    public WebElement shown(String css) {
        return until(d -> firstShown(d, css));
    }

    private static WebElement firstShown(WebDriver d, String css) {
        return d.findElements(By.cssSelector(css)).stream().filter(WebElement::isDisplayed).findFirst().orElse(null);
    }

    /**
     * Clicks the first visible element matching {@code css}, found again if the page re-rendered it
     * between finding and clicking (a stale element is never clicked, so nothing is clicked twice).
     */
    public void clickShown(String css) {
        until(d -> {
            WebElement shown = firstShown(d, css);
            return shown == null ? null : clicked(shown);
        });
    }

    /**
     * Clicks the visible button (or link) whose text is exactly {@code text}, found and clicked within
     * one wait: a button the page re-rendered, or one still covered while a dialog opens or closes,
     * is looked for again rather than failing the test.
     */
    public void clickButton(String text) {
        until(d -> d.findElements(By.cssSelector("button, a, input[type=submit]")).stream()
                .filter(e -> e.isDisplayed() && text.equals(e.getText().trim()))
                .findFirst().map(Chromium::clicked).orElse(null));
    }

    /** True once clicked; null (try again) when something else would have taken the click or it cannot take one yet. */
    private static Boolean clicked(WebElement element) {
        try {
            element.click();
            return true;
        } catch (org.openqa.selenium.ElementNotInteractableException e) { // covered (click intercepted) or not yet usable
            return null;
        }
    }

    /** The page's visible text, once it contains {@code text}. */
    public String untilText(String text) {
        return until(d -> {
            String body = d.findElement(By.tagName("body")).getText();
            return body.contains(text) ? body : null;
        });
    }

    public Object script(String js, Object... args) {
        return driver.executeScript(js, args);
    }

    public void resize(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    /** Saves what the window shows as a PNG. */
    public void screenshot(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}

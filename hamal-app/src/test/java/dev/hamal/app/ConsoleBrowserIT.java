package dev.hamal.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real browser (headless Chromium from Debian's {@code chromium} and {@code
 * chromium-driver} packages) against the whole demo system: sign in with the demo key, search for
 * an order the simulator has just written, open its detail, and watch the pipes page move the pipe
 * to the other listener instance when its owner is killed (SIGKILL), without reloading.
 *
 * <p>Every page is photographed into {@code target/console-screenshots}; with the system property
 * {@code hamal.screenshots} the pictures are also copied there (the README's pictures are made so:
 * {@code ./hamal test -pl hamal-app -am -Dit.test=ConsoleBrowserIT -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false
 * -Dhamal.screenshots=$PWD/docs/screenshots}).
 */
class ConsoleBrowserIT {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  private DemoSystem system;
  private WebDriver browser;
  private final Path shots = Path.of("target", "console-screenshots");

  @AfterEach
  void stop() {
    if (browser != null) {
      screenshot("last-seen"); // what the browser showed when the test ended, passed or not
      browser.quit();
    }
    if (system != null) {
      system.close();
    }
  }

  @Test
  void shouldFindANewOrderAndFollowThePipeToTheOtherListenerWhenItsOwnerIsKilled()
      throws Exception {
    assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
        .as(
            "the browser test needs Debian's chromium and chromium-driver packages"
                + " (apt-get install chromium chromium-driver; .ci/run installs them)")
        .isTrue();
    system =
        DemoSystem.start(
            new DemoSystem.Options(EnumSet.allOf(ProductLine.class), Optional.empty(), 0),
            System.out);
    OrderSimulator simulator =
        system.startSimulator(
            SimulatorConfig.builder()
                .ordersPerSecond(10)
                .lines(EnumSet.allOf(ProductLine.class))
                .seed(11)
                .build());
    browser = chromium();
    WebDriverWait wait = new WebDriverWait(browser, PATIENCE, Duration.ofMillis(200));

    // sign in with the key the demo printed
    browser.get(system.consoleUrl());
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("api-key")))
        .sendKeys(system.apiKey());
    browser.findElement(By.id("sign-in")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("nav#main-nav")));

    // an order the simulator has just written: the newest top-up in the product line's table
    org.awaitility.Awaitility.await()
        .atMost(PATIENCE)
        .until(() -> simulator.counts().total().created() > 50);
    String[] newest = newestTopup();
    String orderId = "topup:" + newest[0];
    String userId = newest[1];

    // search for it by its user, as a support agent would
    browser.findElement(By.cssSelector("a[href='#/orders']")).click();
    WebElement user = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("q-user-id")));
    user.clear();
    user.sendKeys(userId);
    new Select(browser.findElement(By.id("q-business-lines"))).selectByValue("topup");
    By links = By.cssSelector("table#orders tbody tr a.order-link");
    browser.findElement(By.id("search")).click();
    new WebDriverWait(browser, PATIENCE, Duration.ofSeconds(1))
        .ignoring(StaleElementReferenceException.class) // a new page of results replaced it
        .until(driver -> {
          List<WebElement> found =
              driver.findElements(links).stream().filter(a -> a.getText().equals(orderId)).toList();
          if (found.isEmpty()) {
            driver.findElement(By.id("search")).click(); // the index shows it within its refresh
            return false;
          }
          screenshot("orders");
          found.get(0).click();
          return true;
        });

    // its detail: the unified fields, ext, the level that answered and its history
    WebElement detail =
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("order-detail")));
    wait.until(driver ->
        orderId.equals(detail.findElement(By.cssSelector("[data-field=orderId]")).getText()));
    assertThat(browser.findElement(By.id("order-level")).getText())
        .isIn("CACHE", "INDEX", "STORE", "PRODUCT_LINE");
    assertThat(browser.findElement(By.id("order-ext")).getText()).contains("order_no");
    wait.until(driver -> !driver.findElements(By.cssSelector("#order-history tr")).isEmpty());
    screenshot("order-detail");

    // the other pages show data
    for (String page : List.of("live", "instances", "dead-letters", "charts")) {
      browser.findElement(By.cssSelector("a[href='#/" + page + "']")).click();
      wait.until(driver ->
          page.equals(driver.findElement(By.tagName("body")).getDomAttribute("data-page"))
              && "true"
                  .equals(driver.findElement(By.tagName("main")).getDomAttribute("data-loaded")));
      if (page.equals("live")) {
        wait.until(driver -> !driver.findElements(By.cssSelector("#live-changes li")).isEmpty());
      }
      if (page.equals("charts")) {
        assertThat(browser.findElements(By.cssSelector("svg.chart"))).isNotEmpty();
        assertThat(browser.findElements(By.cssSelector("table.chart-data"))).isNotEmpty();
      }
      screenshot(page);
    }

    // the pipes page follows the pipe to the other instance when its owner dies
    browser.findElement(By.cssSelector("a[href='#/pipes']")).click();
    By owner = By.cssSelector("table#pipes tbody tr[data-pipe=demo] td[data-col=owner]");
    By state = By.cssSelector("table#pipes tbody tr[data-pipe=demo] td[data-col=state]");
    wait.until(driver ->
        waitBriefly(driver, owner)
            && driver.findElement(owner).getText().startsWith("listener-")
            && driver.findElement(state).getText().contains("RUNNING"));
    assertThat(browser.findElements(By.cssSelector("button.pause-pipe")))
        .as("the demo key is an admin: pause is offered")
        .isNotEmpty();
    screenshot("pipes");
    String before = browser.findElement(owner).getText();
    RoleProcess victim =
        system.listeners().stream().filter(l -> l.name().equals(before)).findFirst().orElseThrow();
    victim.kill();
    String other = before.equals("listener-1") ? "listener-2" : "listener-1";
    new WebDriverWait(browser, Duration.ofSeconds(90), Duration.ofMillis(250))
        .until(driver -> {
          List<WebElement> cells = driver.findElements(owner);
          return !cells.isEmpty()
              && cells.get(0).getText().equals(other)
              && driver.findElement(state).getText().contains("RUNNING");
        });
    screenshot("pipes-after-failover");
    simulator.close();
    assertThat(simulator.failure()).isEmpty();
  }

  private static boolean waitBriefly(WebDriver driver, By locator) {
    return !driver.findElements(locator).isEmpty();
  }

  private String[] newestTopup() throws Exception {
    try (Connection c = system.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery("SELECT id, user_id FROM topup.tp_order ORDER BY id DESC LIMIT 1")) {
      assertThat(r.next()).as("the simulator wrote top-ups").isTrue();
      return new String[] {r.getString(1), r.getString(2)};
    }
  }

  private WebDriver chromium() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox", // CI runs as root
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,1400");
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
    return new ChromeDriver(service, options);
  }

  private void screenshot(String name) {
    try {
      Files.createDirectories(shots);
      Path file = shots.resolve(name + ".png");
      Path taken = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
      Files.copy(taken, file, StandardCopyOption.REPLACE_EXISTING);
      String publish = System.getProperty("hamal.screenshots");
      if (publish != null && !publish.isBlank() && !name.equals("last-seen")) {
        Path dir = Path.of(publish);
        Files.createDirectories(dir);
        Files.copy(taken, dir.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot keep the screenshot " + name, e);
    }
  }
}

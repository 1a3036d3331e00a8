package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** How the gateway serves the web client (no browser needed). */
@DisplayName("The web client as served by the gateway")
class WebClientServedTest extends OneNodeTest {
  static final String CSP = "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; "
      + "connect-src 'self' ws: wss:; style-src 'self'; script-src 'self'; object-src 'none'; "
      + "frame-ancestors 'none'; base-uri 'none'";
  static final Path WEBROOT = Path.of("..", "gateway", "src", "main", "resources", "webroot");

  @Test
  @DisplayName("The page comes with a strict Content-Security-Policy and no inline script or style")
  void strictPolicy() throws IOException {
    Http.Response page = http.get("/", null);
    assertEquals(200, page.status());
    assertEquals(CSP, page.headers().get("Content-Security-Policy"));
    assertEquals("nosniff", page.headers().get("X-Content-Type-Options"));
    String html = page.text();
    assertFalse(Pattern.compile("<script(?![^>]*\\bsrc=)", Pattern.CASE_INSENSITIVE).matcher(html).find(),
        "no inline <script>");
    assertFalse(Pattern.compile("\\sstyle=|<style", Pattern.CASE_INSENSITIVE).matcher(html).find(), "no inline styles");
    assertFalse(Pattern.compile("(src|href)=\"(https?:)?//", Pattern.CASE_INSENSITIVE).matcher(html).find(),
        "nothing loaded from another origin");
  }

  @Test
  @DisplayName("Every module the page imports is served as JavaScript from the gateway")
  void modulesServed() throws IOException {
    for (Path module : modules()) {
      String path = "/js/" + module.getFileName();
      Http.Response r = http.get(path, null);
      assertEquals(200, r.status(), path);
      assertTrue(r.headers().get("Content-Type").startsWith("text/javascript"), path + " " + r.headers().get("Content-Type"));
      Matcher imports = Pattern.compile("from '\\./([a-z]+\\.js)'").matcher(r.text());
      while (imports.find()) {
        assertTrue(Files.exists(WEBROOT.resolve("js").resolve(imports.group(1))), path + " imports " + imports.group(1));
      }
    }
    assertEquals(200, http.get("/css/app.css", null).status());
  }

  @Test
  @DisplayName("The client never turns strings into markup (no innerHTML, outerHTML, insertAdjacentHTML, document.write, eval)")
  void noMarkupFromStrings() throws IOException {
    Pattern sinks = Pattern.compile("\\.innerHTML|\\.outerHTML|insertAdjacentHTML|document\\.write|\\beval\\(|new Function\\(");
    for (Path module : modules()) {
      String code = Files.readString(module).replaceAll("(?m)//.*$", "");
      assertFalse(sinks.matcher(code).find(), module + " uses an HTML sink");
    }
  }

  private static List<Path> modules() throws IOException {
    try (Stream<Path> files = Files.list(WEBROOT.resolve("js"))) {
      List<Path> modules = files.filter(p -> p.toString().endsWith(".js")).sorted().toList();
      assertFalse(modules.isEmpty(), "modules found under " + WEBROOT.toAbsolutePath());
      return modules;
    }
  }
}

package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Video messages in the web client, two people in two Chromiums: the sender's page records a short WebM
 * of a canvas animation with MediaRecorder (Debian's Chromium encodes VP8/VP9, maybe not H.264) and picks
 * it in the composer's file input; the other page plays it inline, with the poster the sender's page made.
 */
@DisplayName("The web client in Chromium: video messages")
class VideoMessageBrowserTest extends TwoBrowserTest {
  /** Records {@code arguments[0]} ms of a moving square on a canvas; calls back with the WebM as base64, or "error: ...". */
  private static final String RECORD_WEBM = """
      const ms = arguments[0], done = arguments[arguments.length - 1];
      try {
        const canvas = document.createElement('canvas');
        canvas.width = 160; canvas.height = 120;
        const g = canvas.getContext('2d');
        let frame = 0;
        const draw = () => {
          g.fillStyle = '#1d6fd6'; g.fillRect(0, 0, 160, 120);
          g.fillStyle = '#ffcc00'; g.fillRect((frame * 6) % 140, 40, 20, 20);
          frame++;
        };
        draw();
        const type = ['video/webm;codecs=vp8', 'video/webm;codecs=vp9', 'video/webm'].find((t) => MediaRecorder.isTypeSupported(t));
        if (!type) { done('error: no webm video recording in this browser'); return; }
        const recorder = new MediaRecorder(canvas.captureStream(25), { mimeType: type });
        const parts = [];
        recorder.ondataavailable = (e) => { if (e.data.size) parts.push(e.data); };
        recorder.onstop = async () => {
          clearInterval(timer);
          const bytes = new Uint8Array(await new Blob(parts).arrayBuffer());
          let s = '';
          for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
          done(btoa(s));
        };
        const timer = setInterval(draw, 40);
        recorder.start(200);
        setTimeout(() => recorder.stop(), ms);
      } catch (e) { done('error: ' + e); }
      """;

  /** Picks {@code arguments[0]} (base64) as clip.webm in the composer's file input, as a person choosing a file would. */
  private static final String PICK_FILE = """
      const bin = atob(arguments[0]);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], 'clip.webm', { type: 'video/webm' }));
      const input = document.getElementById('file-input');
      input.files = transfer.files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
      """;

  @Test
  @DisplayName("A WebM recorded in Alice's page and picked in the composer plays inline in Bob's, with its first frame as poster")
  void recordedVideoPlaysInline() {
    alice.register("Alice");
    alice.createGroup("Clips");
    String sid = alice.sid("Clips");
    bob.register("Bob");
    Http.User bobUser = new Http.User(bob.uid(), bob.token(), null, "Bob");
    server.http().join(bobUser, sid);
    bob.open("Clips");

    String webm = (String) alice.jsAsync(Duration.ofSeconds(30), RECORD_WEBM, 1500);
    assertTrue(!webm.startsWith("error"), webm);
    keep("recorded.webm", webm);
    alice.js(PICK_FILE, webm);

    WebElement video = bob.waitFor(By.cssSelector("#message-list .video video"));
    bob.until(d -> String.valueOf(video.getAttribute("poster")).endsWith("/poster") ? true : null);
    bob.js("arguments[0].muted = true; arguments[0].play()", video);
    bob.until(Duration.ofSeconds(30), d -> ((Number) bob.js("return arguments[0].readyState", video)).intValue() >= 2
        && ((Number) bob.js("return arguments[0].currentTime", video)).doubleValue() > 0 ? true : null);
    assertEquals(160L, ((Number) bob.js("return arguments[0].videoWidth", video)).longValue());
    // The recording states no duration; the player learns it (by the end at the latest) and the bubble shows it.
    WebElement length = bob.driver().findElement(By.cssSelector("#message-list .video .video-duration"));
    bob.until(Duration.ofSeconds(30), d -> length.getText().matches("\\d+:\\d\\d") ? true : null);
    bob.screenshot("video-bob");

    List<JsonObject> history = server.http().history(bobUser, sid);
    JsonObject message = history.get(history.size() - 1);
    assertEquals("video", message.getString("msgType"), message.encode());
    JsonObject file = message.getJsonObject("file");
    assertEquals("video/webm", file.getString("mime"));
    Http.Download poster = server.http().download("/files/" + file.getString("fileId") + "/poster", bob.token(), Map.of());
    assertEquals(200, poster.status());
    assertEquals("image/jpeg", poster.headers().get("Content-Type"));
    assertFirstFrame(poster.bytes());
    assertTrue(alice.texts().isEmpty(), "no text message was made");
  }

  /** The poster is the recording's first frame: the blue field with the yellow square at the left. */
  private static void assertFirstFrame(byte[] jpeg) {
    try {
      java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(jpeg));
      assertEquals(160, image.getWidth());
      assertEquals(120, image.getHeight());
      assertNear(0x1d6fd6, image.getRGB(120, 100), "background");
      assertNear(0xffcc00, image.getRGB(10, 50), "the square, where the first frame draws it");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Within JPEG and VP8 rounding of {@code rgb}, channel by channel. */
  private static void assertNear(int rgb, int actual, String what) {
    for (int shift = 0; shift <= 16; shift += 8) {
      int want = (rgb >> shift) & 0xFF;
      int got = (actual >> shift) & 0xFF;
      assertTrue(Math.abs(want - got) < 40, what + ": expected about #" + Integer.toHexString(rgb) + ", got #"
          + Integer.toHexString(actual & 0xFFFFFF));
    }
  }

  /** The recording, kept next to the screenshots (what this Chromium's MediaRecorder writes, for seeds and bug reports). */
  private static void keep(String name, String base64) {
    try {
      java.nio.file.Files.createDirectories(Browser.SCREENSHOTS);
      java.nio.file.Files.write(Browser.SCREENSHOTS.resolve(name), Base64.getDecoder().decode(base64));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  @DisplayName("A video sent without a poster is shown with the generic one and still plays")
  void videoWithoutPosterShowsGenericPoster() {
    alice.register("Carol");
    alice.createGroup("Raw clips");
    String sid = alice.sid("Raw clips");
    Http.User carol = new Http.User(alice.uid(), alice.token(), null, "Carol");
    String webm = (String) alice.jsAsync(Duration.ofSeconds(30), RECORD_WEBM, 1000);
    assertTrue(!webm.startsWith("error"), webm);
    Http.Response up = server.http().upload(carol.token(), "raw.webm", Base64.getDecoder().decode(webm), "video/webm");
    assertEquals(201, up.status(), up.text());
    Http.Response sent = server.http().post("/sessions/" + sid + "/messages", carol.token(), new JsonObject()
        .put("cid", "raw-1").put("msgType", "video").put("fileId", up.json().getString("fileId")));
    assertEquals(200, sent.status(), sent.text());

    WebElement video = alice.waitFor(By.cssSelector("#message-list .video video"));
    assertTrue(String.valueOf(video.getAttribute("poster")).startsWith("data:image/svg+xml"), video.getAttribute("poster"));
    alice.until(Duration.ofSeconds(30), d -> ((Number) alice.js("return arguments[0].readyState", video)).intValue() >= 1
        ? true : null);
  }
}

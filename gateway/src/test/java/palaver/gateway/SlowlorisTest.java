package palaver.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.runtime.Setting;

/**
 * Issue 20 item 6 (slowloris) over raw TCP sockets: heads and bodies have deadlines, and one address may
 * hold only so many connections. The idle timeout stays long here (30 s), so what closes is the guard.
 */
@DisplayName("Slowloris protection of the gateway")
class SlowlorisTest {
  private static final int HEADER_TIMEOUT_MS = 1_000;
  private static final int KEEP_ALIVE_TIMEOUT_MS = 2_000;
  private static final int BODY_TIMEOUT_MS = 1_000;
  private static final int MAX_PER_IP = 3;
  private final GatewayUnderTest gateway = new GatewayUnderTest(new JsonObject()
      .put(Setting.HTTP_HOST.key(), "0.0.0.0")
      .put(Setting.HTTP_IDLE_TIMEOUT_MS.key(), 30_000)
      .put(Setting.HTTP_HEADER_TIMEOUT_MS.key(), HEADER_TIMEOUT_MS)
      .put(Setting.HTTP_KEEP_ALIVE_TIMEOUT_MS.key(), KEEP_ALIVE_TIMEOUT_MS)
      .put(Setting.HTTP_BODY_TIMEOUT_MS.key(), BODY_TIMEOUT_MS)
      .put(Setting.MAX_CONNECTIONS_PER_IP.key(), MAX_PER_IP));
  private final List<Socket> open = new ArrayList<>();

  @AfterEach
  void stop() throws IOException {
    for (Socket s : open) {
      s.close();
    }
    gateway.close();
  }

  @Test
  @DisplayName("a connection that sends nothing is closed after the header timeout, not the idle timeout")
  void silentConnectionClosedAtHeaderTimeout() throws Exception {
    Socket socket = connect("127.0.0.1");
    long start = System.nanoTime();
    assertEquals(-1, readUntilClosed(socket, 10_000).length(), "closed without an answer");
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertTrue(ms >= HEADER_TIMEOUT_MS - 100 && ms < HEADER_TIMEOUT_MS + 1_500, "closed after " + ms + " ms");
  }

  @Test
  @DisplayName("a head dribbled one byte every 200 ms is cut at the header deadline")
  void dribbledHeadClosedAtDeadline() throws Exception {
    Socket socket = connect("127.0.0.1");
    byte[] head = ("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + "a".repeat(100) + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    OutputStream out = socket.getOutputStream();
    long start = System.nanoTime();
    int sent = 0;
    try {
      for (; sent < head.length && (System.nanoTime() - start) / 1_000_000 < 10_000; sent++) {
        out.write(head[sent]);
        out.flush();
        Thread.sleep(200);
      }
    } catch (SocketException closed) {
      // the server closed while we were still dribbling
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertTrue(sent < head.length, "the whole head was accepted after " + ms + " ms");
    assertTrue(ms < HEADER_TIMEOUT_MS + 2_000, "still open after " + ms + " ms");
    assertEquals(-1, readUntilClosed(socket, 5_000).length(), "closed without an answer");
  }

  @Test
  @DisplayName("an upload declaring 100 kB that sends 3 bytes and stalls is answered 408 timeout")
  void stalledUploadAnswered408() throws Exception {
    Socket socket = connect("127.0.0.1");
    String head = "POST /api/v1/files HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + GatewayUnderTest.token("alice")
        + "\r\nContent-Type: multipart/form-data; boundary=" + RawMultipart.BOUNDARY
        + "\r\nContent-Length: 100000\r\n\r\n--p";
    socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    String answer = readUntilClosed(socket, 10_000).text();
    assertTrue(answer.startsWith("HTTP/1.1 408"), "expected 408, got: " + answer);
    assertTrue(answer.contains("\"timeout\""), "expected the timeout code, got: " + answer);
  }

  @Test
  @DisplayName("a JSON body that stalls is answered 408 timeout")
  void stalledJsonBodyAnswered408() throws Exception {
    Socket socket = connect("127.0.0.1");
    String head = "POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json"
        + "\r\nContent-Length: 500\r\n\r\n{\"login\":";
    socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    String answer = readUntilClosed(socket, 10_000).text();
    assertTrue(answer.startsWith("HTTP/1.1 408"), "expected 408, got: " + answer);
  }

  @Test
  @DisplayName("a slow but steady upload (a piece every 300 ms for 3 s) and the next request on its connection work")
  void slowLegitimateUploadWorks() throws Exception {
    Socket socket = connect("127.0.0.1");
    byte[] body = RawMultipart.oneFile("slow.txt", "x".repeat(2_000)).getBytes(StandardCharsets.US_ASCII);
    String head = "POST /api/v1/files HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + GatewayUnderTest.token("alice")
        + "\r\nContent-Type: multipart/form-data; boundary=" + RawMultipart.BOUNDARY
        + "\r\nContent-Length: " + body.length + "\r\n\r\n";
    OutputStream out = socket.getOutputStream();
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    int pieces = 10;
    int size = (body.length + pieces - 1) / pieces;
    for (int at = 0; at < body.length; at += size) {
      Thread.sleep(300);
      out.write(body, at, Math.min(size, body.length - at));
      out.flush();
    }
    String answer = readAnswer(socket);
    assertTrue(answer.startsWith("HTTP/1.1 201"), "expected 201, got: " + answer);
    Thread.sleep(HEADER_TIMEOUT_MS + 500); // past the first head's deadline, within the keep-alive one
    out.write("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    String next = readAnswer(socket);
    assertTrue(next.startsWith("HTTP/1.1 200"), "expected 200 on the kept-alive connection, got: " + next);
  }

  @Test
  @DisplayName("an idle kept-alive connection is closed at the keep-alive deadline after its answer, not before")
  void keptAliveConnectionHasHeadDeadlineAgain() throws Exception {
    Socket socket = connect("127.0.0.1");
    socket.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    assertTrue(readAnswer(socket).startsWith("HTTP/1.1 200"));
    long start = System.nanoTime();
    assertEquals(-1, readUntilClosed(socket, 10_000).length());
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertTrue(ms >= KEEP_ALIVE_TIMEOUT_MS - 100 && ms < KEEP_ALIVE_TIMEOUT_MS + 1_500, "closed after " + ms + " ms");
  }

  @Test
  @DisplayName("one connection more than maxConnectionsPerIp from one address is closed, while another address connects")
  void perIpCap() throws Exception {
    for (int i = 0; i < MAX_PER_IP; i++) {
      Socket held = connect("127.0.0.1");
      held.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertTrue(readAnswer(held).startsWith("HTTP/1.1 200"), "connection " + (i + 1) + " served");
    }
    Socket refused = connect("127.0.0.1");
    long start = System.nanoTime();
    assertEquals(-1, readUntilClosed(refused, 5_000).length(), "the 4th connection is closed");
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertTrue(ms < HEADER_TIMEOUT_MS / 2, "closed at once, not by a timeout: " + ms + " ms");
    Socket other = connect("127.0.0.2");
    other.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    assertTrue(readAnswer(other).startsWith("HTTP/1.1 200"), "127.0.0.2 is served");
  }

  @Test
  @DisplayName("a connection closed by a capped address frees its place for the next one")
  void closedConnectionFreesItsPlace() throws Exception {
    for (int i = 0; i < MAX_PER_IP; i++) {
      connect("127.0.0.1");
    }
    open.remove(0).close();
    Thread.sleep(200);
    Socket next = connect("127.0.0.1");
    next.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    assertTrue(readAnswer(next).startsWith("HTTP/1.1 200"), "the freed place is taken");
  }

  private Socket connect(String from) throws IOException {
    Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), gateway.port(), InetAddress.getByName(from), 0);
    open.add(socket);
    return socket;
  }

  /** What came back until the server closed: its text, or length -1 when it closed having sent nothing. */
  private record Received(String text) {
    int length() {
      return text.isEmpty() ? -1 : text.length();
    }
  }

  private static Received readUntilClosed(Socket socket, int withinMs) throws IOException {
    socket.setSoTimeout(withinMs);
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[4096];
    try {
      for (int n; (n = in.read(buffer)) > 0; ) {
        got.write(buffer, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("still open after " + withinMs + " ms; got: " + got.toString(StandardCharsets.UTF_8), e);
    } catch (SocketException reset) {
      // closed by the server
    }
    return new Received(got.toString(StandardCharsets.UTF_8));
  }

  /** One answer with a Content-Length body, leaving the connection open. */
  private static String readAnswer(Socket socket) throws IOException {
    socket.setSoTimeout(5_000);
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    while (true) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      got.write(b);
      String text = got.toString(StandardCharsets.UTF_8);
      int end = text.indexOf("\r\n\r\n");
      if (end >= 0) {
        int length = 0;
        for (String line : text.substring(0, end).split("\r\n")) {
          if (line.toLowerCase().startsWith("content-length:")) {
            length = Integer.parseInt(line.substring(15).trim());
          }
        }
        if (got.size() >= end + 4 + length) {
          break;
        }
      }
    }
    return got.toString(StandardCharsets.UTF_8);
  }
}

package palaver.system;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import palaver.testing.Await;

/**
 * A WebSocket client on a plain blocking socket, for clients that misbehave
 * in ways a real client library won't: one that stops reading (a slow
 * consumer), one that never answers pings (a dead peer). Frames are read
 * only when the test asks, so not asking is not reading.
 */
public final class RawWsClient implements AutoCloseable {
  /** A received frame: its opcode and payload. */
  public record Frame(int opcode, byte[] payload) {
    public boolean isText() {
      return opcode == 1;
    }

    public boolean isClose() {
      return opcode == 8;
    }

    public JsonObject json() {
      return new JsonObject(new String(payload, StandardCharsets.UTF_8));
    }

    /** The status code of a close frame, -1 without one. */
    public int closeCode() {
      return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : -1;
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();
  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  private RawWsClient(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** Connects to {@code /ws} with a small receive buffer (so a client that stops reading is soon full). */
  public static RawWsClient connect(int port, int receiveBufferBytes) {
    return connect(port, receiveBufferBytes, "/ws");
  }

  /** Connects to {@code uri} (path and query) of another WebSocket endpoint, e.g. xlvein's {@code /ws/connect}. */
  public static RawWsClient connect(int port, int receiveBufferBytes, String uri) {
    return connect(null, port, receiveBufferBytes, uri);
  }

  /**
   * From the local address {@code from} (e.g. 127.0.0.5, so a test's abuser has its own source address and
   * per-address limits don't fall on the test's other clients), or the default when null.
   */
  public static RawWsClient connect(String from, int port, int receiveBufferBytes, String uri) {
    try {
      Socket socket = new Socket();
      socket.setReceiveBufferSize(receiveBufferBytes);
      if (from != null) {
        socket.bind(new InetSocketAddress(from, 0));
      }
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout((int) Await.TIMEOUT_SECONDS * 1000);
      RawWsClient client = new RawWsClient(socket);
      client.handshake(port, uri);
      return client;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Authenticates and reads up to {@code ready}. */
  public RawWsClient auth(String token) {
    sendText(new JsonObject().put("type", "auth").put("token", token).encode());
    while (true) {
      Frame f = read();
      if (f.isText() && "ready".equals(f.json().getString("type"))) {
        return this;
      }
      if (f.isClose()) {
        throw new AssertionError("closed during auth: " + f.closeCode());
      }
    }
  }

  private void handshake(int port, String uri) throws IOException {
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    String request = "GET " + uri + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
    out.write(request.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      head.write(in.readUnsignedByte());
    }
    if (!head.toString(StandardCharsets.US_ASCII).startsWith("HTTP/1.1 101")) {
      throw new IOException("handshake refused: " + head);
    }
  }

  public void sendText(String text) {
    send(1, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes one masked frame, as a client must. */
  public void send(int opcode, byte[] payload) {
    send(opcode, payload, true);
  }

  /**
   * One masked frame; {@code fin} false starts or continues a fragmented message (opcode 0 for the
   * continuation frames after the first).
   */
  public void send(int opcode, byte[] payload, boolean fin) {
    try {
      ByteArrayOutputStream frame = new ByteArrayOutputStream();
      frame.write((fin ? 0x80 : 0) | opcode);
      if (payload.length < 126) {
        frame.write(0x80 | payload.length);
      } else if (payload.length < 65536) {
        frame.write(0x80 | 126);
        frame.write(payload.length >>> 8);
        frame.write(payload.length & 0xff);
      } else {
        frame.write(0x80 | 127);
        for (int i = 7; i >= 0; i--) {
          frame.write((int) ((long) payload.length >>> (8 * i)) & 0xff);
        }
      }
      byte[] mask = new byte[4];
      RANDOM.nextBytes(mask);
      frame.write(mask);
      for (int i = 0; i < payload.length; i++) {
        frame.write(payload[i] ^ mask[i % 4]);
      }
      out.write(frame.toByteArray());
      out.flush();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads the next frame (blocking up to the test timeout). */
  public Frame read() {
    try {
      int b0 = in.readUnsignedByte();
      int b1 = in.readUnsignedByte();
      long length = b1 & 0x7f;
      if (length == 126) {
        length = in.readUnsignedShort();
      } else if (length == 127) {
        length = in.readLong();
      }
      byte[] payload = new byte[(int) length];
      in.readFully(payload);
      return new Frame(b0 & 0x0f, payload);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no frame within the test timeout");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads until a text frame matching {@code match} (skipping others, e.g. presence events). */
  public JsonObject readText(java.util.function.Predicate<JsonObject> match) {
    while (true) {
      Frame f = read();
      if (f.isClose()) {
        throw new AssertionError("closed with " + f.closeCode());
      }
      if (f.isText() && match.test(f.json())) {
        return f.json();
      }
    }
  }

  /**
   * Reads (and drops) everything until the server's close frame or the end of
   * the stream; returns the close code, or -1 when the stream ended without one.
   */
  public int readUntilClosed() {
    while (true) {
      Frame f;
      try {
        f = read();
      } catch (IllegalStateException e) {
        if (e.getCause() instanceof EOFException || e.getCause() instanceof java.net.SocketException) {
          return -1;
        }
        throw e;
      }
      if (f.isClose()) {
        return f.closeCode();
      }
    }
  }

  /**
   * Reads what has arrived (a client that stopped reading catching up), for at most {@code millis} of
   * silence: the server's close code, -1 when the stream ended without one, 0 while the socket is still open.
   */
  public int closeCodeWithin(int millis) {
    try {
      socket.setSoTimeout(millis);
      return readUntilClosed();
    } catch (AssertionError stillOpen) {
      return 0;
    } catch (IOException | IllegalStateException gone) {
      return -1;
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // already closed
    }
  }
}

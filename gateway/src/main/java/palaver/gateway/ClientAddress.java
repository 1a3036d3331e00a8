package palaver.gateway;

import io.vertx.core.http.HttpServerRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The address of the client behind a request: the TCP peer, unless the peer
 * is one of the configured trusted proxies, in which case the nearest
 * untrusted address its {@code X-Forwarded-For} (else RFC 7239
 * {@code Forwarded: for=}) names. Reading right to left and stopping at the
 * first untrusted hop means a client can't choose its address by sending the
 * header itself: whatever it wrote is left of what our proxy appended. With no
 * trusted proxies (the default) the headers are ignored entirely.
 */
final class ClientAddress {
  /** Only literal addresses are parsed, so a header never causes a DNS lookup on the event loop. */
  private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  /** A network: address bytes and prefix length. */
  private record Cidr(byte[] network, int bits) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      for (int i = 0; i < bits; i++) {
        int mask = 0x80 >> (i % 8);
        if ((address[i / 8] & mask) != (network[i / 8] & mask)) {
          return false;
        }
      }
      return true;
    }
  }

  private final List<Cidr> trusted;

  private ClientAddress(List<Cidr> trusted) {
    this.trusted = trusted;
  }

  /** {@code "10.0.0.0/8, 127.0.0.1, ::1"}; an entry that is not a literal address or network is an error. */
  static ClientAddress trusting(String list) {
    List<Cidr> out = new ArrayList<>();
    for (String raw : list == null ? new String[0] : list.split(",")) {
      String entry = raw.strip();
      if (entry.isEmpty()) {
        continue;
      }
      String[] parts = entry.split("/", 2);
      byte[] network = parse(parts[0]);
      if (network == null) {
        throw new IllegalArgumentException("trustedProxies: '" + entry + "' is not an IP address or network");
      }
      int bits = network.length * 8;
      if (parts.length == 2) {
        try {
          bits = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
          bits = -1;
        }
        if (bits < 0 || bits > network.length * 8) {
          throw new IllegalArgumentException("trustedProxies: '" + entry + "' has a bad prefix length");
        }
      }
      out.add(new Cidr(network, bits));
    }
    return new ClientAddress(List.copyOf(out));
  }

  String of(HttpServerRequest request) {
    String peer = request.remoteAddress().hostAddress();
    if (trusted.isEmpty() || !isTrusted(peer)) {
      return peer;
    }
    List<String> hops = forwardedHops(request);
    for (int i = hops.size() - 1; i >= 0; i--) {
      String hop = hops.get(i);
      if (parse(hop) == null) {
        return peer; // garbage in the chain: don't trust anything left of it
      }
      if (!isTrusted(hop)) {
        return hop;
      }
    }
    return hops.isEmpty() ? peer : hops.get(0);
  }

  /** Whether the address (a literal) is one of the trusted proxies. */
  boolean isTrusted(String address) {
    byte[] bytes = parse(address);
    return bytes != null && trusted.stream().anyMatch(c -> c.contains(bytes));
  }

  private static List<String> forwardedHops(HttpServerRequest request) {
    List<String> hops = new ArrayList<>();
    List<String> xff = request.headers().getAll("X-Forwarded-For");
    if (!xff.isEmpty()) {
      for (String header : xff) {
        for (String hop : header.split(",")) {
          hops.add(hop.strip());
        }
      }
      return hops;
    }
    for (String header : request.headers().getAll("Forwarded")) {
      for (String element : header.split(",")) {
        for (String pair : element.split(";")) {
          String p = pair.strip();
          if (p.toLowerCase(Locale.ROOT).startsWith("for=")) {
            hops.add(unquote(p.substring(4)));
          }
        }
      }
    }
    return hops;
  }

  /** {@code "[2001:db8::1]:4711"} → {@code 2001:db8::1}; {@code 192.0.2.1:80} → {@code 192.0.2.1}. */
  private static String unquote(String value) {
    String v = value.strip();
    if (v.startsWith("\"") && v.endsWith("\"") && v.length() >= 2) {
      v = v.substring(1, v.length() - 1);
    }
    if (v.startsWith("[")) {
      int end = v.indexOf(']');
      return end > 0 ? v.substring(1, end) : v;
    }
    int colon = v.indexOf(':');
    return colon > 0 && v.indexOf(':', colon + 1) < 0 ? v.substring(0, colon) : v;
  }

  /** The bytes of a literal IPv4 or IPv6 address, or null (never resolves a name). */
  static byte[] parse(String address) {
    if (address == null) {
      return null;
    }
    var v4 = IPV4.matcher(address);
    if (v4.matches()) {
      byte[] out = new byte[4];
      for (int i = 0; i < 4; i++) {
        int octet = Integer.parseInt(v4.group(i + 1));
        if (octet > 255) {
          return null;
        }
        out[i] = (byte) octet;
      }
      return out;
    }
    if (IPV6.matcher(address).matches()) {
      try {
        return InetAddress.getByName(address).getAddress(); // a literal with ':' is parsed, never looked up
      } catch (UnknownHostException e) {
        return null;
      }
    }
    return null;
  }
}

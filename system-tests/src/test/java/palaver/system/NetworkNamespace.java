package palaver.system;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A Linux network namespace joined to this host by a veth pair, so that one node can be cut off from
 * everything (its cluster peers, the store, its clients) and joined again: {@link #cut} drops every packet
 * in and out of the namespace but its own loopback, silently, as a failed link does; {@link #heal} lets
 * them through again. Needs root (CI runs as root); {@link #create} returns null where it can't be made.
 */
final class NetworkNamespace implements AutoCloseable {
  private final String name;
  private final String hostSide;
  private final String hostAddress;
  private final String innerAddress;

  private NetworkNamespace(String name, String hostSide, String hostAddress, String innerAddress) {
    this.name = name;
    this.hostSide = hostSide;
    this.hostAddress = hostAddress;
    this.innerAddress = innerAddress;
  }

  /** A namespace with its own /30 of 10.222.0.0/16, or null (with the reason printed) when not possible here. */
  static NetworkNamespace create() {
    long id = ProcessHandle.current().pid() % 60_000;
    String name = "palf" + id;
    String base = "10.222." + (id % 250) + ".";
    NetworkNamespace ns = new NetworkNamespace(name, "pf" + id + "h", base + "1", base + "2");
    try {
      ns.run("ip", "netns", "add", name);
      ns.run("ip", "link", "add", ns.hostSide, "type", "veth", "peer", "name", "pf" + id + "n");
      ns.run("ip", "link", "set", "pf" + id + "n", "netns", name);
      ns.run("ip", "addr", "add", ns.hostAddress + "/30", "dev", ns.hostSide);
      ns.run("ip", "link", "set", ns.hostSide, "up");
      ns.inside("ip", "addr", "add", ns.innerAddress + "/30", "dev", "pf" + id + "n");
      ns.inside("ip", "link", "set", "pf" + id + "n", "up");
      ns.inside("ip", "link", "set", "lo", "up");
      ns.inside("iptables", "-S");
      return ns;
    } catch (IllegalStateException e) {
      System.out.println("no network namespace here (" + e.getMessage() + ")");
      ns.close();
      return null;
    }
  }

  /** This host's address on the link (nodes outside the namespace bind here so the one inside reaches them). */
  String hostAddress() {
    return hostAddress;
  }

  /** The address of the node inside. */
  String innerAddress() {
    return innerAddress;
  }

  /** The command prefix that runs a program inside the namespace. */
  List<String> exec() {
    return List.of("ip", "netns", "exec", name);
  }

  /** From now on no packet leaves or enters the namespace (its loopback aside); nothing is closed. */
  void cut() {
    inside("iptables", "-I", "INPUT", "!", "-i", "lo", "-j", "DROP");
    inside("iptables", "-I", "OUTPUT", "!", "-o", "lo", "-j", "DROP");
  }

  /** Undoes {@link #cut}. */
  void heal() {
    inside("iptables", "-D", "INPUT", "!", "-i", "lo", "-j", "DROP");
    inside("iptables", "-D", "OUTPUT", "!", "-o", "lo", "-j", "DROP");
  }

  private void inside(String... command) {
    List<String> all = new ArrayList<>(exec());
    all.addAll(List.of(command));
    run(all.toArray(new String[0]));
  }

  private void run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (p.waitFor() != 0) {
        throw new IllegalStateException(String.join(" ", command) + ": " + out.strip());
      }
    } catch (IOException e) {
      throw new IllegalStateException(String.join(" ", command) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Removes the namespace (which removes the veth pair with it). */
  @Override
  public void close() {
    try {
      run("ip", "netns", "del", name);
    } catch (IllegalStateException alreadyGone) {
      // never made
    }
    try {
      run("ip", "link", "del", hostSide);
    } catch (IllegalStateException alreadyGone) {
      // went with the namespace
    }
  }
}

package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.runtime.Setting;
import palaver.runtime.StoreBackup;
import palaver.standalone.StandaloneMain;
import palaver.standalone.StoreCommands;
import palaver.store.EmbeddedStore;
import palaver.system.Http.User;

@DisplayName("Backup of a running node's embedded store, and restore into a new data dir")
class BackupRestoreTest {
  private static final int SENDERS = 3;

  /** A node on a store in {@code dataDir}, with its management port and the backup it serves. */
  private static TestServer nodeOn(Path dataDir) throws IOException {
    EmbeddedStore store = EmbeddedStore.start(dataDir, null, EmbeddedStore.DEFAULT_CACHE_MB);
    TestServer server = TestServer.owning(store, new JsonObject().put(Setting.MANAGEMENT_PORT.key(), 0));
    server.node().serveBackup(StandaloneMain.backupOf(store));
    return server;
  }

  @Test
  @DisplayName("A backup taken while messages are being sent, restored into a new node, has every message acked before it")
  void backupWhileSending() throws Exception {
    Path dataDir = Files.createTempDirectory("palaver-backup-src-");
    Path backupDir = Files.createTempDirectory("palaver-backup-").resolve("copy");
    Path restored = Files.createTempDirectory("palaver-backup-dst-").resolve("data");
    User alice;
    String sid;
    Set<Long> ackedBefore;
    Set<Long> acked = ConcurrentHashMap.newKeySet();
    AtomicInteger ackedDuring = new AtomicInteger();
    try (TestServer server = nodeOn(dataDir)) {
      alice = server.http().newUser("Alice");
      sid = server.http().newGroup(alice, "backed up");
      AtomicBoolean backingUp = new AtomicBoolean();
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> senders = new java.util.ArrayList<>();
      for (int t = 0; t < SENDERS; t++) {
        int sender = t;
        Thread thread = new Thread(() -> {
          for (int i = 0; !stop.get(); i++) {
            Http.Response r = server.http().send(alice, sid, "s" + sender + "-" + i, "message " + i);
            if (r.status() == 200 || r.status() == 201) {
              acked.add(r.seq());
              if (backingUp.get()) {
                ackedDuring.incrementAndGet();
              }
            }
          }
        }, "sender-" + t);
        thread.start();
        senders.add(thread);
      }
      while (acked.size() < 60) {
        Thread.sleep(20);
      }
      ackedBefore = Set.copyOf(acked);
      backingUp.set(true);
      long began = System.nanoTime();
      long bytes = StoreCommands.backup(backupDir, dataDir, "127.0.0.1", server.node().managementPort());
      backingUp.set(false);
      System.out.printf("backup of %d bytes took %d ms; %d sends were acked meanwhile%n", bytes,
          (System.nanoTime() - began) / 1_000_000, ackedDuring.get());
      Thread.sleep(200);
      stop.set(true);
      for (Thread s : senders) {
        s.join();
      }
      assertTrue(bytes > 0);
    }
    StoreCommands.restore(backupDir, restored);
    try (TestServer again = nodeOn(restored)) {
      List<JsonObject> history = again.http().history(alice, sid);
      Http.assertGapFree(history);
      Set<Long> kept = history.stream().map(m -> m.getLong("seq")).collect(Collectors.toSet());
      assertTrue(kept.containsAll(ackedBefore), "every message acked before the backup began is in it");
    }
  }

  @Test
  @DisplayName("A restore into a data dir that is not empty is refused and leaves it as it was")
  void restoreRefusesNonEmpty() throws Exception {
    Path dataDir = Files.createTempDirectory("palaver-backup-src-");
    Path backupDir = Files.createTempDirectory("palaver-backup-").resolve("copy");
    try (TestServer server = nodeOn(dataDir)) {
      server.http().newUser("Bob");
      StoreCommands.backup(backupDir, dataDir, "127.0.0.1", server.node().managementPort());
    }
    Path busy = Files.createTempDirectory("palaver-backup-busy-");
    Files.writeString(busy.resolve("keep.txt"), "mine");
    IOException refused = assertThrows(IOException.class, () -> StoreCommands.restore(backupDir, busy));
    assertTrue(refused.getMessage().contains("not empty"), refused.getMessage());
    assertEquals(List.of(busy.resolve("keep.txt")), Files.list(busy).toList());
  }

  @Test
  @DisplayName("A backup request without the data dir's token is refused with 403")
  void backupNeedsToken() throws Exception {
    try (TestServer server = nodeOn(Files.createTempDirectory("palaver-backup-src-"))) {
      HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + server.node().managementPort() + "/backup"))
          .header(StoreBackup.TOKEN_HEADER, "guess").POST(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(403, answer.statusCode());
    }
  }

  @Test
  @DisplayName("A stopped node's data dir is backed up without a management port and restores with its users")
  void backupOfStoppedNode() throws Exception {
    Path dataDir = Files.createTempDirectory("palaver-backup-src-");
    Path backupDir = Files.createTempDirectory("palaver-backup-").resolve("copy");
    Path restored = Files.createTempDirectory("palaver-backup-dst-").resolve("data");
    User carol;
    try (TestServer server = nodeOn(dataDir)) {
      carol = server.http().newUser("Carol");
    }
    StoreCommands.backup(backupDir, dataDir, "127.0.0.1", null);
    StoreCommands.restore(backupDir, restored);
    try (TestServer again = nodeOn(restored)) {
      assertEquals(200, again.http().post("/auth/login", null, new JsonObject().put("login", carol.login())
          .put("password", "plover-kettle-41")).status());
    }
  }
}

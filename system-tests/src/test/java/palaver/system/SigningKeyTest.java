package palaver.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Future;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.RepeatedTest;
import palaver.runtime.PalaverNode;
import palaver.standalone.StandaloneMain;
import palaver.store.EmbeddedStore;
import palaver.system.Http.User;
import palaver.testing.Await;

@DisplayName("The generated JWT signing key")
class SigningKeyTest {
  @RepeatedTest(3)
  @DisplayName("is created once when two nodes start together on a new store: tokens work on both")
  void twoNodesAgree() {
    try (EmbeddedStore store = TestServer.newStore()) {
      var configA = TestServer.config(store.connectionString());
      var configB = TestServer.config(store.connectionString());
      List<PalaverNode.Service> services = StandaloneMain.services();
      Future<PalaverNode> a = PalaverNode.start(configA, services);
      Future<PalaverNode> b = PalaverNode.start(configB, services);
      Await.result(Future.all(a, b));
      try {
        int portA = configA.getInteger("httpPort");
        int portB = configB.getInteger("httpPort");
        User onA = new Http(a.result().vertx(), portA).newUser("A");
        User onB = new Http(b.result().vertx(), portB).newUser("B");
        assertEquals(200, new Http(b.result().vertx(), portB).get("/users/me", onA.token()).status());
        assertEquals(200, new Http(a.result().vertx(), portA).get("/users/me", onB.token()).status());
      } finally {
        Await.result(Future.all(a.result().close(), b.result().close()));
      }
    }
  }
}

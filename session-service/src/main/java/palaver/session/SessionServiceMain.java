package palaver.session;

import java.util.List;
import palaver.runtime.Launcher;
import palaver.runtime.PalaverNode;

/** {@code java -jar palaver-session-service.jar --cluster --mongo-uri ...}. */
public final class SessionServiceMain {
  private SessionServiceMain() {
  }

  public static void main(String[] args) {
    Launcher.main("palaver-session-service", "Palaver session-service: sessions, memberships, read positions.",
        false, args, config -> config, List.of(new PalaverNode.Service("session", SessionVerticle::new)));
  }
}

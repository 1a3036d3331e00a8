package palaver.user;

import java.util.List;
import palaver.runtime.Launcher;
import palaver.runtime.PalaverNode;

/** {@code java -jar palaver-user-service.jar --cluster --mongo-uri ...}. */
public final class UserServiceMain {
  private UserServiceMain() {
  }

  public static void main(String[] args) {
    Launcher.main("palaver-user-service", "Palaver user-service: accounts, tokens, friends, presence.",
        false, args, config -> config, List.of(new PalaverNode.Service("user", UserVerticle::new)));
  }
}

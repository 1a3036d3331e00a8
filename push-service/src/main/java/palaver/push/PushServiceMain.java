package palaver.push;

import java.util.List;
import palaver.runtime.Launcher;
import palaver.runtime.PalaverNode;

/** {@code java -jar palaver-push-service.jar --cluster --mongo-uri ...}. */
public final class PushServiceMain {
  private PushServiceMain() {
  }

  public static void main(String[] args) {
    Launcher.main("palaver-push-service", "Palaver push-service: app channels, presence, cache channels, webhooks.",
        false, args, config -> config, List.of(new PalaverNode.Service("push", PushVerticle::new)));
  }
}

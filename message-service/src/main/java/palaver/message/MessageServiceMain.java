package palaver.message;

import java.util.List;
import palaver.runtime.Launcher;
import palaver.runtime.PalaverNode;

/** {@code java -jar palaver-message-service.jar --cluster --mongo-uri ...}. */
public final class MessageServiceMain {
  private MessageServiceMain() {
  }

  public static void main(String[] args) {
    Launcher.main("palaver-message-service", "Palaver message-service: messages, sequence, history, sync, files.",
        false, args, config -> config, List.of(new PalaverNode.Service("message", MessageVerticle::new),
            new PalaverNode.Service("message-files", FileVerticle::new)));
  }
}

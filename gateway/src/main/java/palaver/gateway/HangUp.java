package palaver.gateway;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP ({@code kill -HUP <pid>}) as "reload your files now": the JVM has one handler per
 * signal, so this class installs it once and runs every listener (each gateway's
 * {@link TlsCertificate}). The handler runs on the JVM's signal thread; listeners hand the
 * work to Vert.x. Where the platform has no HUP (Windows) only the file watch reloads.
 */
final class HangUp {
  private static final Logger LOG = LoggerFactory.getLogger(HangUp.class);
  private static final Set<Runnable> LISTENERS = ConcurrentHashMap.newKeySet();
  private static boolean installed;

  private HangUp() {
  }

  static void listen(Runnable listener) {
    install();
    LISTENERS.add(listener);
  }

  static void unlisten(Runnable listener) {
    LISTENERS.remove(listener);
  }

  private static synchronized void install() {
    if (installed) {
      return;
    }
    installed = true;
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> hangUp());
    } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
      LOG.info("no SIGHUP here ({}): TLS files reload only when they change", e.getMessage());
    }
  }

  private static void hangUp() {
    LOG.info("SIGHUP: reloading TLS certificates");
    for (Runnable listener : LISTENERS) {
      listener.run();
    }
  }
}

package palaver.examples;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import palaver.api.Address;
import palaver.api.Field;

/**
 * An example of integrating with Palaver over the event bus: a bot that
 * listens to one session's fan-out and answers {@code !echo <text>} by
 * posting {@code <text>} into the session as its own user.
 *
 * <p>Deploy it into the Palaver cluster (or the standalone JVM) with the
 * configuration {@code {"uid": "<the bot's user id>", "sid": "<session id>"}};
 * the bot's user must be a member of the session. The cid of each answer is
 * derived from the message it answers, so a redelivered or replayed message
 * is never answered twice: Palaver stores one message per (uid, cid).
 *
 * <p>It is built against {@code palaver-api} alone (see this module's pom),
 * as an integrator's project would be. It is compiled by the build and run by
 * {@code ExampleVerticleTest} in system-tests; the docs link to it rather than
 * copying it.
 */
public class EchoBotVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(EchoBotVerticle.class.getName());
  private static final String COMMAND = "!echo ";

  private String uid;
  private String sid;

  @Override
  public Future<?> start() {
    uid = config().getString("uid");
    sid = config().getString("sid");
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Address.fanoutSession(sid), this::onFrame);
    return consumer.completion();
  }

  /** Every frame the session's members see; only others' text messages starting with the command matter. */
  private void onFrame(Message<JsonObject> delivery) {
    JsonObject frame = delivery.body();
    String content = frame.getValue(Field.CONTENT) instanceof String s ? s : "";
    if (!"message".equals(frame.getString(Field.TYPE)) || !"text".equals(frame.getString(Field.MSG_TYPE))
        || uid.equals(frame.getString(Field.UID)) || !content.startsWith(COMMAND)) {
      return;
    }
    JsonObject send = new JsonObject()
        .put(Field.UID, uid)
        .put(Field.SID, sid)
        .put(Field.CID, "echo:" + frame.getString(Field.ID))
        .put(Field.MSG_TYPE, "text")
        .put(Field.CONTENT, content.substring(COMMAND.length()));
    vertx.eventBus().<JsonObject>request(Address.MESSAGE_SEND, send, new DeliveryOptions().setSendTimeout(5_000))
        .onFailure(t -> LOG.log(System.Logger.Level.WARNING, "echo bot could not answer (code {0}): {1}",
            t instanceof ReplyException re ? re.failureCode() : -1, t.getMessage()));
  }
}

package palaver.message;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import palaver.api.Address;
import palaver.api.Bus;
import palaver.api.Check;
import palaver.api.Field;

/** The file of an image, file, voice or video message: its id checked as input, then claimed from {@link FileVerticle}. */
final class Attachments {
  private Attachments() {
  }

  /** The {@code fileId} a message of this type needs, or null for text. */
  static String fileId(JsonObject body, String msgType) {
    return msgType.equals("text") ? null : Check.string(body, Field.FILE_ID, 1, 64);
  }

  /** {@code file: {fileId, name, mime, size, thumbId?, durationMs?, posterId?}} for the message; 403 unless the sender owns it. */
  static Future<JsonObject> claim(Vertx vertx, String uid, String fileId, String msgType) {
    if (fileId == null) {
      return Future.succeededFuture(null);
    }
    return Bus.request(vertx, Address.FILE_CLAIM, new JsonObject().put(Field.UID, uid).put(Field.FILE_ID, fileId)
        .put(Field.MSG_TYPE, msgType));
  }
}

package palaver.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.bson.BinData;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.DataType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The H2 data types the embedded store writes its documents, ids and index keys with. */
@DisplayName("The store's BSON data types")
class BsonTypesTest {

  private static <T> T roundTrip(DataType<T> type, T value) {
    WriteBuffer out = new WriteBuffer();
    type.write(out, value);
    ByteBuffer in = out.getBuffer();
    in.flip();
    T read = type.read(in);
    assertEquals(0, in.remaining(), "every byte written is read back");
    return read;
  }

  @Test
  @DisplayName("A document of every kind of value reads back equal")
  void documentRoundTrip() {
    Document document = new Document("_id", new ObjectId()).append("s", "text é").append("i", 7).append("l", 1L << 40)
        .append("d", 2.5).append("b", true).append("n", null).append("at", Instant.ofEpochMilli(1_700_000_000_000L))
        .append("bin", new BinData(new byte[] {1, 2, 3})).append("list", List.of(1, "two", new Document("x", 3)))
        .append("sub", new Document("deep", new Document("er", "yes")));
    assertEquals(document, roundTrip(BsonDocumentType.INSTANCE, document));
  }

  @Test
  @DisplayName("Ids and positions of each kind, and a missing value, read back equal")
  void valueRoundTrip() {
    for (Object value : List.of("sid", 7, 8L, 2.5, new ObjectId(), UUID.randomUUID(), Missing.getInstance(),
        new Document("a", 1))) {
      assertEquals(value, roundTrip(BsonValueType.INSTANCE, value));
    }
  }

  @Test
  @DisplayName("Index keys compare in MongoDB's order: numbers by value across types, then strings, prefixes first")
  void keyOrder() {
    KeyValueType type = KeyValueType.INSTANCE;
    assertEquals(0, type.compare(new KeyValue("s", 3.0), new KeyValue("s", 3.0)));
    assertTrue(type.compare(new KeyValue("s", 3.0), new KeyValue("s", 10.0)) < 0, "3 before 10, not as text");
    assertTrue(type.compare(new KeyValue("s", 1e9), new KeyValue("s", "a")) < 0, "numbers before strings");
    assertTrue(type.compare(new KeyValue("s", (Object) null), new KeyValue("s", 0.0)) < 0, "null first");
    assertTrue(type.compare(new KeyValue("s"), new KeyValue("s", 0.0)) < 0, "a prefix first");
    KeyValue key = new KeyValue("s", 3.0, null);
    assertEquals(0, type.compare(key, roundTrip(type, key)));
  }

  @Test
  @DisplayName("A document's cache weight grows with its binary data, so file chunks count against the cache budget")
  void memoryGrowsWithData() {
    Document chunk = new Document("_id", "c1").append("data", new BinData(new byte[1 << 20]));
    assertTrue(BsonDocumentType.INSTANCE.getMemory(chunk) >= 1 << 20, "weight " + BsonDocumentType.INSTANCE.getMemory(chunk));
    Document text = new Document("_id", "m1").append("body", "x".repeat(100_000));
    assertTrue(BsonDocumentType.INSTANCE.getMemory(text) >= 100_000);
  }
}

package palaver.store;

import de.bwaldvogel.mongo.bson.BinData;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.Map;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

/**
 * A stored document as BSON bytes, written with mongo-java-server's own wire
 * encoder. H2's default type Java-serializes a {@code Document} (class
 * descriptors and all), which cost about a third of a persisted send.
 */
final class BsonDocumentType extends BasicDataType<Document> {
  static final BsonDocumentType INSTANCE = new BsonDocumentType();

  private BsonDocumentType() {
  }

  /**
   * The heap a document takes, roughly, for H2's page cache budget
   * ({@code --store-cache-mb}): it must grow with strings and binary data
   * (file chunks), or the cache would hold far more than its budget.
   */
  @Override
  public int getMemory(Document document) {
    return (int) Math.min(Integer.MAX_VALUE, estimate(document));
  }

  private static long estimate(Object value) {
    if (value instanceof Map<?, ?> map) {
      long size = 64;
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        size += 48 + estimate(entry.getKey()) + estimate(entry.getValue());
      }
      return size;
    }
    if (value instanceof Collection<?> values) {
      long size = 40;
      for (Object element : values) {
        size += 8 + estimate(element);
      }
      return size;
    }
    if (value instanceof String string) {
      return 48 + string.length();
    }
    if (value instanceof BinData data) {
      return 32 + data.getData().length;
    }
    return 24;
  }

  @Override
  public void write(WriteBuffer out, Document document) {
    ByteBuf bytes = Unpooled.buffer(256);
    try {
      BsonEncoder.encodeDocument(document, bytes);
      out.put(bytes.nioBuffer());
    } finally {
      bytes.release();
    }
  }

  @Override
  public Document read(ByteBuffer in) {
    ByteBuf bytes = Unpooled.wrappedBuffer(in);
    Document document = BsonDecoder.decodeBson(bytes);
    in.position(in.position() + bytes.readerIndex());
    return document;
  }

  @Override
  public Document[] createStorage(int size) {
    return new Document[size];
  }

  @Override
  public int compare(Document a, Document b) {
    throw new UnsupportedOperationException("documents are values, never keys");
  }
}

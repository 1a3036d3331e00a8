package palaver.store;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
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

  @Override
  public int getMemory(Document document) {
    // A rough heap estimate for H2's page cache; exact sizes would cost an encoding.
    return 64 + 48 * document.size();
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

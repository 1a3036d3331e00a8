package palaver.store;

import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

/**
 * One BSON value (a document's {@code _id}, an index's position): its BSON type
 * byte and its BSON encoding, ordered as MongoDB orders values. A missing value
 * (mongo-java-server's {@link Missing}) is type byte 0, which BSON never uses.
 */
final class BsonValueType extends BasicDataType<Object> {
  static final BsonValueType INSTANCE = new BsonValueType();
  private static final byte MISSING = 0;

  private BsonValueType() {
  }

  static void writeValue(ByteBuf out, Object value) {
    if (value instanceof Missing) {
      out.writeByte(MISSING);
      return;
    }
    byte type = BsonEncoder.determineType(value);
    out.writeByte(type);
    BsonEncoder.encodeValue(type, value, out);
  }

  static Object readValue(ByteBuf in) {
    byte type = in.readByte();
    return type == MISSING ? Missing.getInstance() : BsonDecoder.decodeValue(type, in);
  }

  @Override
  public int getMemory(Object value) {
    return value instanceof String s ? 40 + 2 * s.length() : 32;
  }

  @Override
  public void write(WriteBuffer out, Object value) {
    ByteBuf bytes = Unpooled.buffer(32);
    try {
      writeValue(bytes, value);
      out.put(bytes.nioBuffer());
    } finally {
      bytes.release();
    }
  }

  @Override
  public Object read(ByteBuffer in) {
    ByteBuf bytes = Unpooled.wrappedBuffer(in);
    Object value = readValue(bytes);
    in.position(in.position() + bytes.readerIndex());
    return value;
  }

  @Override
  public Object[] createStorage(int size) {
    return new Object[size];
  }

  @Override
  public int compare(Object a, Object b) {
    return ValueComparator.asc().compare(a, b);
  }
}

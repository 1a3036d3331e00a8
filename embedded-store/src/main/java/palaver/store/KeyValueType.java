package palaver.store;

import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.ValueComparator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

/**
 * An index key (mongo-java-server's {@link KeyValue}, which is not
 * {@code Comparable}): compared value by value in MongoDB's order, in memory.
 * H2's default type would Java-serialize both keys on every comparison. The
 * order is what lets an index answer ranges and sorts; a shorter key that is a
 * prefix of a longer one sorts first.
 */
final class KeyValueType extends BasicDataType<KeyValue> {
  static final KeyValueType INSTANCE = new KeyValueType();
  private static final ValueComparator VALUES = ValueComparator.ascWithoutListHandling();

  private KeyValueType() {
  }

  @Override
  public int getMemory(KeyValue key) {
    return 24 + 32 * key.size();
  }

  @Override
  public void write(WriteBuffer out, KeyValue key) {
    ByteBuf bytes = Unpooled.buffer(48);
    try {
      bytes.writeByte(key.size());
      for (Object value : key) {
        BsonValueType.writeValue(bytes, value);
      }
      out.put(bytes.nioBuffer());
    } finally {
      bytes.release();
    }
  }

  @Override
  public KeyValue read(ByteBuffer in) {
    ByteBuf bytes = Unpooled.wrappedBuffer(in);
    int size = bytes.readUnsignedByte();
    List<Object> values = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      values.add(BsonValueType.readValue(bytes));
    }
    in.position(in.position() + bytes.readerIndex());
    return new KeyValue(values);
  }

  @Override
  public KeyValue[] createStorage(int size) {
    return new KeyValue[size];
  }

  @Override
  public int compare(KeyValue a, KeyValue b) {
    int common = Math.min(a.size(), b.size());
    for (int i = 0; i < common; i++) {
      int c = VALUES.compare(a.get(i), b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }
}

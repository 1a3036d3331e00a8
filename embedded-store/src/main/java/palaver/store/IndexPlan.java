package palaver.store;

import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.MaxKey;
import de.bwaldvogel.mongo.bson.MinKey;
import de.bwaldvogel.mongo.bson.ObjectId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * How a query walks an {@link OrderedIndex}, as MongoDB would plan it: top-level
 * equality on a prefix of the index's fields, then a range ({@code $gt},
 * {@code $gte}, {@code $lt}, {@code $lte}) on the next field. The walk yields a
 * superset of the matches (the query matcher still filters every document),
 * so bounds are only ever loosened, never guessed. When the sort is the index's
 * order after the prefix (either direction), documents come out already sorted
 * and a limit stops the walk early.
 */
final class IndexPlan {
  private static final Set<String> LOWER = Set.of("$gt", "$gte");
  private static final Set<String> UPPER = Set.of("$lt", "$lte");

  final OrderedIndex index;
  final KeyValue from;
  final KeyValue to;
  final boolean descending;
  /** Whether the walk's order is the requested sort (or none was requested). */
  final boolean sorted;
  private final int score;

  private IndexPlan(OrderedIndex index, KeyValue from, KeyValue to, boolean descending, boolean sorted, int score) {
    this.index = index;
    this.from = from;
    this.to = to;
    this.descending = descending;
    this.sorted = sorted;
    this.score = score;
  }

  Iterator<Object> positions() {
    return index.positions(from, to, descending);
  }

  /** The best plan over these indexes, or null when none narrows the query. */
  static IndexPlan choose(List<? extends Index<Object>> indexes, Document query, Document orderBy) {
    if (orderBy != null && orderBy.containsKey("$natural")) {
      return null;
    }
    IndexPlan best = null;
    for (Index<Object> index : indexes) {
      if (index instanceof OrderedIndex ordered) {
        IndexPlan plan = plan(ordered, query, orderBy);
        if (plan != null && (best == null || plan.score > best.score
            || (plan.score == best.score && plan.sorted && !best.sorted))) {
          best = plan;
        }
      }
    }
    return best;
  }

  private static IndexPlan plan(OrderedIndex index, Document query, Document orderBy) {
    List<IndexKey> keys = index.getKeys();
    List<Object> from = new ArrayList<>();
    List<Object> to = new ArrayList<>();
    int equal = 0;
    while (equal < keys.size()) {
      Object point = pointValue(query.get(keys.get(equal).getKey()));
      if (point == null) {
        break;
      }
      from.add(point);
      to.add(point);
      equal++;
    }
    boolean ranged = false;
    if (equal < keys.size() && query.get(keys.get(equal).getKey()) instanceof Document range) {
      Object lower = bound(range, LOWER);
      // With arrays, one element may satisfy the lower bound and another the upper: keep one side only.
      Object upper = index.isMultikey() && lower != null ? null : bound(range, UPPER);
      if (lower != null || upper != null) {
        from.add(lower == null ? MinKey.getInstance() : lower);
        to.add(upper == null ? MaxKey.getInstance() : upper);
        ranged = true;
      }
    }
    int score = 2 * equal + (ranged ? 1 : 0);
    if (score == 0) {
      return null;
    }
    while (from.size() < keys.size()) {
      from.add(MinKey.getInstance());
      to.add(MaxKey.getInstance());
    }
    Boolean descending = index.isMultikey() ? null : direction(keys, equal, query, orderBy);
    return new IndexPlan(index, new KeyValue(from).normalized(), new KeyValue(to).normalized(),
        Boolean.TRUE.equals(descending), descending != null, score);
  }

  /**
   * Whether the sort is the index's order (false) or its reverse (true) after the
   * equality prefix; null when the index order does not give the sort.
   */
  private static Boolean direction(List<IndexKey> keys, int equal, Document query, Document orderBy) {
    if (orderBy == null || orderBy.isEmpty()) {
      return false;
    }
    Boolean descending = null;
    int next = equal;
    for (Map.Entry<String, Object> sort : orderBy.entrySet()) {
      boolean prefixField = keys.subList(0, equal).stream().anyMatch(k -> k.getKey().equals(sort.getKey()));
      if (prefixField) {
        continue; // one value among the results: any direction holds
      }
      if (next >= keys.size() || !keys.get(next).getKey().equals(sort.getKey())
          || !(sort.getValue() instanceof Number n)) {
        return null;
      }
      boolean down = n.doubleValue() < 0;
      if (descending != null && descending != down) {
        return null;
      }
      descending = down;
      next++;
    }
    return descending == null ? Boolean.FALSE : descending;
  }

  /** The value a query field is compared equal to, when it is one plain value; else null. */
  private static Object pointValue(Object condition) {
    if (condition instanceof Document d && d.size() == 1 && d.containsKey("$eq")) {
      condition = d.get("$eq");
    }
    return isPlain(condition) ? condition : null;
  }

  private static Object bound(Document range, Set<String> operators) {
    for (String operator : operators) {
      Object value = range.get(operator);
      if (isPlain(value)) {
        return value; // any one of two bounds on the same side is a safe bound
      }
    }
    return null;
  }

  private static boolean isPlain(Object value) {
    return value instanceof String || value instanceof Number || value instanceof Boolean
        || value instanceof ObjectId || value instanceof Instant || value instanceof UUID;
  }
}

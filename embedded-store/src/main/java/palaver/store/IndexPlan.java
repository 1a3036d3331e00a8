package palaver.store;

import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.MaxKey;
import de.bwaldvogel.mongo.bson.MinKey;
import de.bwaldvogel.mongo.bson.ObjectId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
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
  private static final List<String> LOWER = List.of("$gt", "$gte");
  private static final List<String> UPPER = List.of("$lt", "$lte");
  private static final ValueComparator KEY_VALUES = ValueComparator.ascWithoutListHandling();

  final OrderedIndex index;
  final KeyValue from;
  final KeyValue to;
  final boolean descending;
  /** Whether the walk's order is the requested sort (or none was requested). */
  final boolean sorted;
  private final int score;
  /** The field of the range, and its bounds that are exclusive ($gt, $lt): keys equal to them are skipped. */
  private final int rangeField;
  private final boolean skipsAbove;
  private final Object above;
  private final boolean skipsBelow;
  private final Object below;

  private IndexPlan(OrderedIndex index, KeyValue from, KeyValue to, boolean descending, boolean sorted, int score,
      int rangeField, boolean skipsAbove, Object above, boolean skipsBelow, Object below) {
    this.index = index;
    this.from = from;
    this.to = to;
    this.descending = descending;
    this.sorted = sorted;
    this.score = score;
    this.rangeField = rangeField;
    this.skipsAbove = skipsAbove;
    this.above = new KeyValue(above).normalized().get(0);
    this.skipsBelow = skipsBelow;
    this.below = new KeyValue(below).normalized().get(0);
  }

  /** The positions of the documents the walk visits, in its order. */
  Iterator<Object> positions() {
    Iterator<Map.Entry<KeyValue, Object>> entries = index.entries(from, to, descending);
    return new Iterator<>() {
      private Object next = advance();

      private Object advance() {
        while (entries.hasNext()) {
          Map.Entry<KeyValue, Object> entry = entries.next();
          if (!onExclusiveBound(entry.getKey())) {
            return entry.getValue();
          }
        }
        return null;
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public Object next() {
        if (next == null) {
          throw new NoSuchElementException();
        }
        Object current = next;
        next = advance();
        return current;
      }
    };
  }

  private boolean onExclusiveBound(KeyValue key) {
    if (!skipsAbove && !skipsBelow) {
      return false;
    }
    Object value = key.get(rangeField);
    return (skipsAbove && KEY_VALUES.compare(value, above) == 0)
        || (skipsBelow && KEY_VALUES.compare(value, below) == 0);
  }

  private static final int MOST_WALKS = 200;

  /**
   * The walks that answer the query: the best single plan, or, when it narrows
   * more, one walk per value of a top-level {@code $in} or per clause of a
   * top-level {@code $or} (their union; a document may come up in several).
   * Empty when no index narrows the query.
   */
  static List<IndexPlan> walks(List<? extends Index<Object>> indexes, Document query, Document orderBy) {
    IndexPlan best = choose(indexes, query, orderBy);
    int bar = best == null ? 0 : best.score;
    List<IndexPlan> union = unionOfIn(indexes, query, orderBy, bar);
    if (union == null) {
      union = unionOfOr(indexes, query, orderBy, bar);
    }
    if (union == null) {
      union = unionOfNin(indexes, query, orderBy, bar);
    }
    if (union != null) {
      return union;
    }
    return best == null ? List.of() : List.of(best);
  }

  private static List<IndexPlan> unionOfIn(List<? extends Index<Object>> indexes, Document query, Document orderBy,
      int bar) {
    for (Map.Entry<String, Object> field : query.entrySet()) {
      if (field.getValue() instanceof Document condition && condition.size() == 1
          && condition.get("$in") instanceof java.util.Collection<?> values
          && !values.isEmpty() && values.size() <= MOST_WALKS && values.stream().allMatch(IndexPlan::isPlain)) {
        List<Document> alternatives = new ArrayList<>();
        for (Object value : values) {
          Document alternative = query.clone();
          alternative.put(field.getKey(), value);
          alternatives.add(alternative);
        }
        List<IndexPlan> plans = allBetter(indexes, alternatives, orderBy, bar);
        if (plans != null) {
          return plans;
        }
      }
    }
    return null;
  }

  private static List<IndexPlan> unionOfOr(List<? extends Index<Object>> indexes, Document query, Document orderBy,
      int bar) {
    if (!(query.get("$or") instanceof java.util.Collection<?> clauses) || clauses.isEmpty()
        || clauses.size() > MOST_WALKS) {
      return null;
    }
    List<Document> alternatives = new ArrayList<>();
    for (Object clause : clauses) {
      if (!(clause instanceof Document conditions)) {
        return null;
      }
      Document alternative = query.clone();
      alternative.remove("$or");
      for (Map.Entry<String, Object> condition : conditions.entrySet()) {
        if (alternative.containsKey(condition.getKey())) {
          return null; // the same field outside and inside: not worth merging
        }
        alternative.put(condition.getKey(), condition.getValue());
      }
      alternatives.add(alternative);
    }
    return allBetter(indexes, alternatives, orderBy, bar);
  }

  /**
   * {@code {f: {$nin: [a, b]}}} (or {@code $ne}) as the ranges between the excluded
   * values, each exclusive: (MinKey, a), (a, b), (b, MaxKey). With a limit and no
   * sort the walks stop early (the presence sweep: anyone not offline).
   */
  private static List<IndexPlan> unionOfNin(List<? extends Index<Object>> indexes, Document query, Document orderBy,
      int bar) {
    for (Map.Entry<String, Object> field : query.entrySet()) {
      if (!(field.getValue() instanceof Document condition) || condition.size() != 1) {
        continue;
      }
      List<Object> excluded = new ArrayList<>();
      if (condition.containsKey("$ne")) {
        excluded.add(condition.get("$ne"));
      } else if (condition.get("$nin") instanceof java.util.Collection<?> values && values.size() < MOST_WALKS) {
        excluded.addAll(values);
      } else {
        continue;
      }
      if (!excluded.stream().allMatch(v -> v == null || isPlain(v))) {
        continue;
      }
      excluded.sort(KEY_VALUES);
      List<Document> alternatives = new ArrayList<>();
      for (int i = 0; i <= excluded.size(); i++) {
        Document between = new Document();
        if (i > 0) {
          between.put("$gt", excluded.get(i - 1));
        }
        if (i < excluded.size()) {
          between.put("$lt", excluded.get(i));
        }
        Document alternative = query.clone();
        alternative.put(field.getKey(), between);
        alternatives.add(alternative);
      }
      List<IndexPlan> plans = allBetter(indexes, alternatives, orderBy, bar);
      if (plans != null) {
        return plans;
      }
    }
    return null;
  }

  /** One plan per alternative when each narrows more than {@code bar}; else null. */
  private static List<IndexPlan> allBetter(List<? extends Index<Object>> indexes, List<Document> alternatives,
      Document orderBy, int bar) {
    List<IndexPlan> plans = new ArrayList<>();
    for (Document alternative : alternatives) {
      IndexPlan plan = choose(indexes, alternative, orderBy);
      if (plan == null || plan.score <= bar) {
        return null;
      }
      plans.add(plan);
    }
    return plans;
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
    String lowerOperator = null;
    String upperOperator = null;
    Document range = null;
    // A sparse index lacks the documents without the field, which some ranges match: equality only.
    if (equal < keys.size() && !index.leavesOutMissing()
        && query.get(keys.get(equal).getKey()) instanceof Document condition) {
      range = condition;
      lowerOperator = operator(range, LOWER);
      // With arrays, one element may satisfy the lower bound and another the upper: keep one side only.
      upperOperator = index.isMultikey() && lowerOperator != null ? null : operator(range, UPPER);
      if (lowerOperator != null || upperOperator != null) {
        from.add(lowerOperator == null ? MinKey.getInstance() : range.get(lowerOperator));
        to.add(upperOperator == null ? MaxKey.getInstance() : range.get(upperOperator));
        ranged = true;
      }
    }
    // A key equal to an exclusive bound never stands for a match (a matching array has another element in range).
    boolean skipsAbove = "$gt".equals(lowerOperator);
    boolean skipsBelow = "$lt".equals(upperOperator);
    Object above = skipsAbove ? range.get(lowerOperator) : null;
    Object below = skipsBelow ? range.get(upperOperator) : null;
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
        Boolean.TRUE.equals(descending), descending != null, score, equal, skipsAbove, above, skipsBelow, below);
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

  /** The operator of a plain (or null) bound on this side of the range, or null. */
  private static String operator(Document range, List<String> operators) {
    for (String operator : operators) {
      // A null bound is safe too: nulls and missing fields are the lowest keys after MinKey.
      if (range.containsKey(operator) && (isPlain(range.get(operator)) || range.get(operator) == null)) {
        return operator; // any one of two bounds on the same side is a safe bound
      }
    }
    return null;
  }

  private static boolean isPlain(Object value) {
    return value instanceof String || value instanceof Number || value instanceof Boolean
        || value instanceof ObjectId || value instanceof Instant || value instanceof UUID;
  }
}

package palaver.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static palaver.store.StoreUnderTest.await;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.UpdateOptions;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Queries the embedded store answers by walking an index give what a scan gives.
 * The same documents are in {@code indexed} (Palaver's kinds of indexes) and in
 * {@code plain} (none but {@code _id}, so every query there scans).
 */
@DisplayName("Indexed queries on the embedded store")
class IndexedQueriesTest {
  private static Vertx vertx;
  private static StoreUnderTest store;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    store = new StoreUnderTest(vertx, Files.createTempDirectory("palaver-store-indexed-"));
    await(store.mongo.createIndexWithOptions("indexed", new JsonObject().put("sid", 1).put("seq", 1),
        new IndexOptions().unique(true)));
    await(store.mongo.createIndexWithOptions("indexed", new JsonObject().put("uid", 1), new IndexOptions()));
    await(store.mongo.createIndexWithOptions("indexed", new JsonObject().put("state", 1).put("at", -1),
        new IndexOptions()));
    await(store.mongo.createIndexWithOptions("indexed", new JsonObject().put("tags", 1), new IndexOptions()));
    await(store.mongo.createIndexWithOptions("indexed", new JsonObject().put("code", 1),
        new IndexOptions().unique(true).sparse(true)));
    List<JsonObject> documents = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      JsonObject document = new JsonObject().put("_id", "m" + i).put("sid", "s" + (i % 7)).put("seq", i / 7)
          .put("uid", "u" + (i % 13)).put("at", (long) (i * 37 % 101));
      if (i % 5 != 0) {
        document.put("state", i % 3 == 0 ? "online" : "away");
      }
      if (i % 4 == 0) {
        document.put("tags", new JsonArray().add("t" + (i % 3)).add("t" + (i % 5)));
      }
      if (i % 6 == 0 || i == 3) {
        document.put("code", i == 3 ? null : i); // a sparse unique index holds one explicit null at most
      }
      if (i % 11 == 0) {
        document.put("uid", i); // another type in the same field
      }
      documents.add(document);
    }
    for (JsonObject document : documents) {
      await(store.mongo.insert("indexed", document.copy()));
      await(store.mongo.insert("plain", document.copy()));
    }
  }

  @AfterAll
  static void stop() {
    store.close();
    await(vertx.close());
  }

  private static JsonObject q(Object... pairs) {
    JsonObject query = new JsonObject();
    for (int i = 0; i < pairs.length; i += 2) {
      query.put((String) pairs[i], pairs[i + 1]);
    }
    return query;
  }

  private static List<JsonObject> find(String collection, JsonObject query, FindOptions options) {
    return await(store.mongo.findWithOptions(collection, query, options));
  }

  /** Sorted queries must match in order; unsorted ones as sets. */
  private static void sameAsScan(JsonObject query, Consumer<FindOptions> options) {
    FindOptions indexedOptions = new FindOptions();
    options.accept(indexedOptions);
    FindOptions plainOptions = new FindOptions();
    options.accept(plainOptions);
    List<JsonObject> expected = find("plain", query, plainOptions);
    List<JsonObject> actual = find("indexed", query, indexedOptions);
    if (indexedOptions.getSort() == null || indexedOptions.getSort().isEmpty()) {
      expected.sort(Comparator.comparing(d -> d.getString("_id")));
      actual.sort(Comparator.comparing(d -> d.getString("_id")));
    }
    assertEquals(expected, actual, "query " + query + " sort " + indexedOptions.getSort());
  }

  private static JsonObject range(Object... pairs) {
    return q(pairs);
  }

  @Test
  @DisplayName("History shapes (equality on sid, a seq range, sorted by seq either way, limited) equal a scan's")
  void historyShapes() {
    for (String sid : List.of("s0", "s3", "s6", "nobody")) {
      sameAsScan(q("sid", sid), o -> { });
      for (JsonObject seq : List.of(range("$gt", 10), range("$gte", 10), range("$lt", 20), range("$lte", 20),
          range("$gt", 5, "$lte", 30), range("$gte", 5.5, "$lt", 30L), range("$gt", 100), range("$lt", -1),
          range("$gt", 30, "$lt", 5), range("$eq", 12))) {
        JsonObject query = q("sid", sid, "seq", seq);
        sameAsScan(query, o -> { });
        for (int direction : new int[] {1, -1}) {
          sameAsScan(query, o -> o.setSort(q("seq", direction)));
          sameAsScan(query, o -> o.setSort(q("seq", direction)).setLimit(7));
          sameAsScan(query, o -> o.setSort(q("seq", direction)).setLimit(5).setSkip(3));
          sameAsScan(query, o -> o.setSort(q("sid", 1, "seq", direction)).setLimit(4));
          sameAsScan(query, o -> o.setSort(q("uid", direction, "_id", 1)).setLimit(6));
        }
      }
    }
  }

  @Test
  @DisplayName("Equality on an index's prefix, ranges on its first field and sorts across it equal a scan's")
  void prefixAndFirstFieldShapes() {
    sameAsScan(q("seq", 3), o -> { });
    sameAsScan(q("sid", q("$gte", "s2", "$lt", "s5")), o -> o.setSort(q("sid", 1, "seq", 1)));
    sameAsScan(q("sid", q("$gt", "s4")), o -> o.setSort(q("sid", -1, "seq", -1)).setLimit(9));
    sameAsScan(q("sid", q("$gt", "s4")), o -> o.setSort(q("sid", -1, "seq", 1)).setLimit(9));
    sameAsScan(q("sid", "s1", "uid", "u3"), o -> { });
    sameAsScan(q("sid", "s1", "seq", q("$gt", 3), "uid", q("$ne", "u1")), o -> o.setSort(q("seq", -1)));
    sameAsScan(q("sid", "s2", "$or", new JsonArray().add(q("seq", 1)).add(q("seq", 40))), o -> { });
  }

  @Test
  @DisplayName("Top-level $in and $or over indexed fields (one walk per value or clause) equal a scan's")
  void unionShapes() {
    JsonArray sids = new JsonArray().add("s1").add("s4").add("s4").add("nobody");
    sameAsScan(q("sid", q("$in", sids)), o -> { });
    sameAsScan(q("sid", q("$in", sids), "seq", q("$gte", 20)), o -> o.setSort(q("seq", -1, "sid", 1)).setLimit(8));
    sameAsScan(q("sid", "s3", "seq", q("$in", new JsonArray().add(2).add(9).add(9.0).add(1000))), o -> { });
    sameAsScan(q("uid", q("$in", new JsonArray().add("u1").add(33).add("u9"))), o -> o.setSort(q("_id", 1)));
    sameAsScan(q("tags", q("$in", new JsonArray().add("t1").add("t2"))), o -> { });
    sameAsScan(q("$or", new JsonArray().add(q("uid", "u2")).add(q("sid", "s5", "seq", q("$lt", 10)))),
        o -> o.setSort(q("seq", 1, "_id", 1)));
    sameAsScan(q("$or", new JsonArray().add(q("uid", "u2")).add(q("text", "none"))), o -> { });
    sameAsScan(q("state", "online", "$or", new JsonArray().add(q("at", q("$gt", 90))).add(q("at", 3))),
        o -> o.setSort(q("at", 1, "_id", 1)).setLimit(4));
  }

  @Test
  @DisplayName("Non-unique indexes (a field, a compound with a descending key, an array field) equal a scan's")
  void secondaryShapes() {
    for (Object uid : List.of("u0", "u5", "u12", 22, 22.0, 44L, "none")) {
      sameAsScan(q("uid", uid), o -> { });
      sameAsScan(q("uid", uid), o -> o.setSort(q("seq", 1, "_id", 1)).setLimit(3));
    }
    sameAsScan(q("uid", q("$gt", "u3")), o -> o.setSort(q("uid", 1, "_id", 1)));
    sameAsScan(q("uid", q("$lt", 100)), o -> o.setSort(q("uid", -1, "_id", 1)));
    for (String state : List.of("online", "away", "gone")) {
      sameAsScan(q("state", state), o -> { });
      sameAsScan(q("state", state, "at", q("$gte", 50)), o -> o.setSort(q("at", -1, "_id", 1)));
      sameAsScan(q("state", state, "at", q("$lt", 50)), o -> o.setSort(q("at", 1, "_id", 1)).setLimit(5));
    }
    sameAsScan(q("state", null), o -> { });
    sameAsScan(q("state", q("$exists", false)), o -> { });
    for (String tag : List.of("t0", "t1", "t4")) {
      sameAsScan(q("tags", tag), o -> { });
      sameAsScan(q("tags", tag), o -> o.setSort(q("tags", 1, "_id", 1)));
    }
    sameAsScan(q("tags", q("$gt", "t1", "$lt", "t3")), o -> { });
  }

  @Test
  @DisplayName("$ne and $nin (as the ranges between the excluded values) and null bounds equal a scan's, sparse too")
  void exclusionShapes() {
    JsonArray notShown = new JsonArray().add("away").addNull();
    sameAsScan(q("state", q("$nin", notShown)), o -> { });
    sameAsScan(q("state", q("$nin", notShown)), o -> o.setLimit(5).setSort(q("state", 1, "at", -1)));
    sameAsScan(q("state", q("$ne", "online")), o -> { });
    sameAsScan(q("state", q("$ne", null)), o -> { });
    sameAsScan(q("state", q("$lte", null)), o -> { });
    sameAsScan(q("state", q("$gt", null)), o -> { });
    sameAsScan(q("tags", q("$nin", new JsonArray().add("t0").add("t3"))), o -> { });
    sameAsScan(q("tags", q("$ne", "t1")), o -> { });
    sameAsScan(q("uid", q("$nin", new JsonArray().add("u1").add(0).add("u5"))), o -> { });
    for (JsonObject code : List.of(q("$lt", 50), q("$gte", 300), q("$nin", new JsonArray().add(6).addNull()),
        q("$ne", 12), q("$lte", null), q("$exists", true))) {
      sameAsScan(q("code", code), o -> { });
    }
    sameAsScan(q("code", null), o -> { });
    sameAsScan(q("code", 6), o -> { });
  }

  @Test
  @DisplayName("Updates, deletes and counts through an index change and count exactly what a scan would")
  void writesThroughIndexes() {
    for (String collection : List.of("indexed", "plain")) {
      await(store.mongo.updateCollectionWithOptions(collection, q("sid", "s4", "seq", q("$gte", 50)),
          q("$set", q("edited", true)), new UpdateOptions().setMulti(true)));
      await(store.mongo.updateCollection(collection, q("uid", "u7"), q("$set", q("uid", "u7b"))));
      await(store.mongo.removeDocuments(collection, q("sid", "s5", "seq", q("$lt", 4))));
    }
    sameAsScan(q("edited", true), o -> { });
    sameAsScan(q("uid", "u7b"), o -> { });
    sameAsScan(q("uid", "u7"), o -> { });
    sameAsScan(q("sid", "s5"), o -> o.setSort(q("seq", 1)));
    assertEquals(await(store.mongo.count("plain", q("sid", "s4", "seq", q("$gte", 50)))),
        await(store.mongo.count("indexed", q("sid", "s4", "seq", q("$gte", 50)))));
    assertTrue(await(store.mongo.count("indexed", q("uid", "u7b"))) > 0);
  }
}

package palaver.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

/** Latency summaries in milliseconds, and the percentile curve the report plots. */
final class Latency {
  /** Where the curve is sampled: the tail is what matters, so it is sampled densely. */
  static final double[] CURVE = {0, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 99.999, 100};

  private Latency() {
  }

  static JsonObject summary(Histogram h) {
    JsonArray curve = new JsonArray();
    for (double p : CURVE) {
      curve.add(new JsonArray().add(p).add(ms(h, p)));
    }
    return new JsonObject().put("count", h.getTotalCount()).put("p50", ms(h, 50)).put("p99", ms(h, 99))
        .put("p999", ms(h, 99.9)).put("max", h.getTotalCount() == 0 ? 0.0 : h.getMaxValue() / 1000.0)
        .put("curve", curve);
  }

  private static double ms(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? 0.0 : h.getValueAtPercentile(percentile) / 1000.0;
  }
}

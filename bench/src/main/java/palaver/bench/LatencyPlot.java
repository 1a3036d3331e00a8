package palaver.bench;

import io.vertx.core.json.JsonArray;
import java.util.List;
import java.util.Locale;

/**
 * An SVG latency-percentile plot: x is the percentile on a "nines" scale
 * (log of 1 / (1 - p)), y the latency in ms on a log scale, one line per series.
 */
final class LatencyPlot {
  private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"};
  private static final int W = 820;
  private static final int H = 460;
  private static final int L = 70;
  private static final int R = 260;
  private static final int T = 30;
  private static final int B = 50;
  private static final double MAX_NINES = 5; // 99.999
  private static final String[] AXIS = {"0", "90", "99", "99.9", "99.99", "99.999"};

  private LatencyPlot() {
  }

  static double nines(double percentile) {
    return percentile >= 100 ? MAX_NINES : Math.min(MAX_NINES, -Math.log10(1 - percentile / 100));
  }

  /** {@code series}: {name, curve as [[percentile, ms], ...]}. */
  static String svg(List<Object[]> series) {
    double maxMs = 1;
    for (Object[] s : series) {
      for (Object o : (JsonArray) s[1]) {
        maxMs = Math.max(maxMs, ((JsonArray) o).getDouble(1));
      }
    }
    double lo = -1; // 0.1 ms
    double hi = Math.ceil(Math.log10(maxMs));
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        + "font-family=\"sans-serif\" font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n", W, H));
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"14\">Latency by percentile (from intended send time)</text>%n", L));
    int pw = W - L - R;
    int ph = H - T - B;
    for (int n = 0; n <= MAX_NINES; n++) {
      double x = L + pw * n / MAX_NINES;
      svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>"
          + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s%%</text>%n", x, T, x, T + ph, x, T + ph + 16,
          AXIS[n]));
    }
    for (double e = lo; e <= hi; e++) {
      double y = T + ph - ph * (e - lo) / (hi - lo);
      svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
          + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s ms</text>%n", L, y, L + pw, y, L - 6, y + 4,
          e < 0 ? "0.1" : String.valueOf((long) Math.pow(10, e))));
    }
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">percentile</text>%n", L + pw / 2, H - 8));
    for (int i = 0; i < series.size(); i++) {
      String color = COLORS[i % COLORS.length];
      StringBuilder points = new StringBuilder();
      for (Object o : (JsonArray) series.get(i)[1]) {
        JsonArray pt = (JsonArray) o;
        double x = L + pw * nines(pt.getDouble(0)) / MAX_NINES;
        double ms = Math.max(Math.pow(10, lo), pt.getDouble(1));
        double y = T + ph - ph * (Math.log10(ms) - lo) / (hi - lo);
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      }
      svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n", color, points.toString().trim()));
      int ly = T + 10 + i * 18;
      svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"/>"
          + "<text x=\"%d\" y=\"%d\">%s</text>%n", L + pw + 10, ly, L + pw + 30, ly, color, L + pw + 36, ly + 4,
          escape((String) series.get(i)[0])));
    }
    return svg.append("</svg>\n").toString();
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}

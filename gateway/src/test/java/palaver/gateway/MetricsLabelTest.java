package palaver.gateway;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import palaver.testing.Await;
import palaver.runtime.Setting;
import palaver.testing.ServiceUnderTest;

/** What a client can make /metrics hold: series per label value must stay bounded whatever it sends. */
class MetricsLabelTest {
  private static final int MADE_UP_METHODS = 200;
  /** The standard methods and the one value every other method is counted as. */
  private static final int MAX_METHOD_VALUES = 10;
  private static final Pattern METHOD_LABEL = Pattern.compile("[{,]method=\"([^\"]*)\"");
  private final ServiceUnderTest sut = ServiceUnderTest.start(
      new JsonObject().put(Setting.METRICS_TOKEN.key(), PublicMetricsTest.TOKEN), List.of(), GatewayVerticle::new);
  private final HttpClient http = sut.vertx().createHttpClient();

  @AfterEach
  void stop() {
    Await.result(http.close());
    sut.close();
  }

  private Future<HttpClientResponse> request(HttpMethod method, String path) {
    return http.request(new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(sut.httpPort())
        .setURI(path)).compose(r -> r.send()).compose(r -> r.body().map(r));
  }

  private Set<String> methodLabelValues() {
    // A WebClient reads the whole body: the page is large after many requests, and it must not race its end.
    WebClient web = WebClient.create(sut.vertx());
    String metrics;
    try {
      metrics = Await.result(web.get(sut.httpPort(), "127.0.0.1", "/metrics")
          .bearerTokenAuthentication(PublicMetricsTest.TOKEN).send()).bodyAsString();
    } finally {
      web.close();
    }
    Set<String> values = new TreeSet<>();
    Matcher m = METHOD_LABEL.matcher(metrics);
    while (m.find()) {
      values.add(m.group(1));
    }
    return values;
  }

  @Test
  @DisplayName("Requests with 200 made-up HTTP methods add at most a constant number of method label values to /metrics")
  void madeUpMethodsShareOneLabelValue() {
    List<Future<HttpClientResponse>> sent = new ArrayList<>();
    for (int i = 0; i < MADE_UP_METHODS; i++) {
      sent.add(request(HttpMethod.valueOf("FOO" + i), "/api/v1/users"));
    }
    Await.result(Future.join(new ArrayList<>(sent)));

    Set<String> values = methodLabelValues();
    assertTrue(values.size() <= MAX_METHOD_VALUES, "method label values: " + values.size() + " " + values);
    assertTrue(values.stream().noneMatch(v -> v.startsWith("FOO")), "made-up methods kept: " + values);
  }
}

package palaver.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CloseCodeTest {
  @Test
  @DisplayName("Only 4401 tells the client to log in again; every other close code is reconnect with backoff, then sync")
  void onlyUnauthenticatedLogsInAgain() {
    List<CloseCode> logIn = Arrays.stream(CloseCode.values())
        .filter(c -> c.reconnect() == CloseCode.Reconnect.LOG_IN_AGAIN).toList();
    assertEquals(List.of(CloseCode.UNAUTHENTICATED), logIn);
    assertEquals(4401, CloseCode.UNAUTHENTICATED.code());
  }

  @Test
  @DisplayName("A close code is found by its number; a number the server never sends has none")
  void ofNumber() {
    assertEquals(CloseCode.RATE_LIMITED, CloseCode.of(4429));
    assertEquals(CloseCode.SLOW_CONSUMER, CloseCode.of(4008));
    assertNull(CloseCode.of(1000));
  }
}

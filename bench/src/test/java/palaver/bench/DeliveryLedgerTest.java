package palaver.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DeliveryLedgerTest {
  private DeliveryLedger ledger;

  @BeforeEach
  void twoMembersThreeAckedMessages() {
    ledger = new DeliveryLedger();
    ledger.member(1, "s");
    ledger.member(2, "s");
    for (long seq = 10; seq <= 12; seq++) {
      ledger.acked("s", seq);
    }
  }

  private void deliverAll(int receiver) {
    for (long seq = 10; seq <= 12; seq++) {
      ledger.delivered(receiver, "s", seq);
    }
  }

  @Test
  @DisplayName("Every acked message reaching every member in order is a clean tally")
  void cleanRun() {
    deliverAll(1);
    deliverAll(2);
    assertEquals(new DeliveryLedger.Tally(6, 6, 0, 0, 0, 0), ledger.tally());
  }

  @Test
  @DisplayName("An acked message a member never received counts as one loss per member missing it")
  void lossesArePerMember() {
    deliverAll(1);
    ledger.delivered(2, "s", 10);
    DeliveryLedger.Tally t = ledger.tally();
    assertEquals(2, t.losses());
    assertEquals(6, t.expected());
  }

  @Test
  @DisplayName("A second delivery of the same (sid, seq) to a member is a duplicate, deduped and not a delivery")
  void duplicatesAreDeduped() {
    deliverAll(1);
    assertFalse(ledger.delivered(1, "s", 11));
    deliverAll(2);
    DeliveryLedger.Tally t = ledger.tally();
    assertEquals(1, t.duplicates());
    assertEquals(6, t.delivered());
    assertEquals(0, t.losses());
  }

  @Test
  @DisplayName("A seq arriving after a higher one of the same session is a reorder")
  void reordersAreCounted() {
    assertTrue(ledger.delivered(1, "s", 12));
    assertTrue(ledger.delivered(1, "s", 10));
    assertTrue(ledger.delivered(1, "s", 11));
    assertEquals(2, ledger.tally().reorders());
  }

  @Test
  @DisplayName("Order is per session: interleaving two sessions is not a reorder")
  void orderIsPerSession() {
    ledger.member(1, "t");
    ledger.acked("t", 1);
    ledger.delivered(1, "s", 12);
    ledger.delivered(1, "t", 1);
    assertEquals(0, ledger.tally().reorders());
  }

  @Test
  @DisplayName("A delivery that was never acked is reported as unexpected, not as a loss")
  void unackedDeliveriesAreUnexpected() {
    deliverAll(1);
    deliverAll(2);
    ledger.delivered(1, "s", 13);
    DeliveryLedger.Tally t = ledger.tally();
    assertEquals(1, t.unexpected());
    assertEquals(0, t.losses());
  }

  @Test
  @DisplayName("Receivers that are not members of a session are not expected to see its messages")
  void nonMembersAreNotExpected() {
    ledger.acked("other", 1);
    deliverAll(1);
    deliverAll(2);
    assertEquals(0, ledger.tally().losses());
  }
}

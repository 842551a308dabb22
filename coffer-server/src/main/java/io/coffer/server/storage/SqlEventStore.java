package io.coffer.server.storage;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link EventStore} in SQL that SQLite and PostgreSQL both run. */
final class SqlEventStore implements EventStore {
  private static final String SUBSCRIPTION_COLUMNS =
      "id, vault_id, name, endpoint, delivery_schema, event_types, subject_prefix,"
          + " near_expiry_days, max_attempts, ttl_minutes, state, validation_code, created,"
          + " after_position";
  private static final String DELIVERY_COLUMNS =
      "id, subscription_id, event_id, event_type, name, version, nbf, exp, detail, published,"
          + " attempts, next_attempt, state, last_outcome, last_attempt, dead_reason";
  private static final String INSERT_DELIVERY =
      "INSERT INTO event_deliveries(subscription_id, event_id, event_type, name, version, nbf,"
          + " exp, detail, published, attempts, next_attempt, state, last_outcome, last_attempt,"
          + " dead_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT (subscription_id, event_id) DO NOTHING";

  private final Jdbc jdbc;
  private final Transactions writer;

  SqlEventStore(Jdbc jdbc, Transactions writer) {
    this.jdbc = jdbc;
    this.writer = writer;
  }

  @Override
  public void saveSubscription(EventSubscriptionRecord s) {
    // An update keeps what is owed to it; deleting first would cascade to its deliveries.
    writer.transaction(c -> {
      int updated =
          Jdbc.update(
              c,
              "UPDATE event_subscriptions SET endpoint = ?, delivery_schema = ?, event_types = ?,"
                  + " subject_prefix = ?, near_expiry_days = ?, max_attempts = ?, ttl_minutes = ?,"
                  + " state = ?, validation_code = ? WHERE id = ?",
              s.endpoint(),
              s.deliverySchema(),
              String.join(",", s.eventTypes()),
              s.subjectPrefix(),
              s.nearExpiryDays(),
              s.maxAttempts(),
              s.ttlMinutes(),
              s.state(),
              s.validationCode(),
              s.id());
      if (updated > 0) {
        return updated;
      }
      return Jdbc.update(
          c,
          "INSERT INTO event_subscriptions("
              + SUBSCRIPTION_COLUMNS
              + ")"
              + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          s.id(),
          s.vaultId(),
          s.name(),
          s.endpoint(),
          s.deliverySchema(),
          String.join(",", s.eventTypes()),
          s.subjectPrefix(),
          s.nearExpiryDays(),
          s.maxAttempts(),
          s.ttlMinutes(),
          s.state(),
          s.validationCode(),
          s.created(),
          s.afterPosition());
    });
  }

  @Override
  public Optional<EventSubscriptionRecord> subscription(String vaultId, String name) {
    return jdbc.readOne(
        "SELECT "
            + SUBSCRIPTION_COLUMNS
            + " FROM event_subscriptions WHERE vault_id = ? AND name = ?",
        SqlEventStore::subscription,
        vaultId,
        name);
  }

  @Override
  public Optional<EventSubscriptionRecord> subscriptionById(String id) {
    return jdbc.readOne(
        "SELECT " + SUBSCRIPTION_COLUMNS + " FROM event_subscriptions WHERE id = ?",
        SqlEventStore::subscription,
        id);
  }

  @Override
  public List<EventSubscriptionRecord> subscriptions(String vaultId) {
    return jdbc.read(
        "SELECT "
            + SUBSCRIPTION_COLUMNS
            + " FROM event_subscriptions WHERE vault_id = ?"
            + " ORDER BY name",
        SqlEventStore::subscription,
        vaultId);
  }

  @Override
  public List<EventSubscriptionRecord> allSubscriptions() {
    return jdbc.read(
        "SELECT " + SUBSCRIPTION_COLUMNS + " FROM event_subscriptions ORDER BY id",
        SqlEventStore::subscription);
  }

  @Override
  public boolean deleteSubscription(String vaultId, String name) {
    return writer.transaction(c ->
        Jdbc.update(
            c, "DELETE FROM event_subscriptions WHERE vault_id = ? AND name = ?", vaultId, name))
        > 0;
  }

  @Override
  public void owe(String reader, long position, List<EventDeliveryRecord> deliveries) {
    writer.transaction(c -> {
      insert(c, deliveries);
      SqlChangeLog.moveReader(c, reader, position);
      return null;
    });
  }

  @Override
  public int oweOnce(List<EventDeliveryRecord> deliveries) {
    return deliveries.isEmpty() ? 0 : writer.transaction(c -> insert(c, deliveries));
  }

  private static int insert(Connection c, List<EventDeliveryRecord> deliveries)
      throws SQLException {
    int added = 0;
    for (EventDeliveryRecord d : deliveries) {
      added +=
          Jdbc.update(
              c,
              INSERT_DELIVERY,
              d.subscriptionId(),
              d.eventId(),
              d.eventType(),
              d.name(),
              d.version(),
              Jdbc.nullable(d.nbf()),
              Jdbc.nullable(d.exp()),
              d.detail(),
              d.published(),
              d.attempts(),
              d.nextAttempt(),
              d.state(),
              d.lastOutcome(),
              Jdbc.nullable(d.lastAttempt()),
              d.deadReason());
    }
    return added;
  }

  @Override
  public List<EventDeliveryRecord> due(long now, int limit) {
    return jdbc.read(
        "SELECT "
            + DELIVERY_COLUMNS
            + " FROM event_deliveries"
            + " WHERE state = 'pending' AND next_attempt <= ? ORDER BY id LIMIT ?",
        SqlEventStore::delivery,
        now,
        limit);
  }

  @Override
  public void attempted(EventDeliveryRecord d) {
    writer.transaction(c ->
        Jdbc.update(
            c,
            "UPDATE event_deliveries SET attempts = ?, next_attempt = ?, state = ?,"
                + " last_outcome = ?, last_attempt = ?, dead_reason = ? WHERE id = ?",
            d.attempts(),
            d.nextAttempt(),
            d.state(),
            d.lastOutcome(),
            Jdbc.nullable(d.lastAttempt()),
            d.deadReason(),
            d.id()));
  }

  @Override
  public List<EventDeliveryRecord> deliveries(String subscriptionId, String state, int limit) {
    return jdbc.read(
        "SELECT "
            + DELIVERY_COLUMNS
            + " FROM event_deliveries"
            + " WHERE subscription_id = ? AND state = ? ORDER BY id DESC LIMIT ?",
        SqlEventStore::delivery,
        subscriptionId,
        state,
        limit);
  }

  @Override
  public Map<String, Long> deliveryCounts(String subscriptionId) {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (String state :
        List.of(
            EventDeliveryRecord.PENDING, EventDeliveryRecord.DELIVERED, EventDeliveryRecord.DEAD)) {
      counts.put(state, 0L);
    }
    jdbc.read(
            "SELECT state, COUNT(*) FROM event_deliveries WHERE subscription_id = ? GROUP BY state",
            row -> Map.entry(row.getString(1), row.getLong(2)),
            subscriptionId)
        .forEach(e -> counts.put(e.getKey(), e.getValue()));
    return counts;
  }

  @Override
  public int pruneDelivered(long before) {
    return writer.transaction(c ->
        Jdbc.update(
            c,
            "DELETE FROM event_deliveries WHERE state = 'delivered' AND last_attempt < ?",
            before));
  }

  @Override
  public List<ExpiringVersionRecord> expiring(String vaultId, long after, long through, int limit) {
    return jdbc.read(
        "SELECT s.name, v.version, v.nbf, v.exp FROM secret_versions v JOIN secrets s"
            + " ON s.vault_id = v.vault_id AND s.name_key = v.name_key"
            + " WHERE v.vault_id = ? AND v.exp IS NOT NULL AND v.exp > ? AND v.exp <= ?"
            + " AND s.deleted IS NULL AND v.seq = (SELECT MAX(seq) FROM secret_versions m"
            + " WHERE m.vault_id = v.vault_id AND m.name_key = v.name_key)"
            + " ORDER BY v.exp LIMIT ?",
        row ->
            new ExpiringVersionRecord(
                row.getString(1), row.getString(2), Jdbc.optionalLong(row, "nbf"), row.getLong(4)),
        vaultId,
        after,
        through,
        limit);
  }

  private static EventSubscriptionRecord subscription(ResultSet row) throws SQLException {
    String types = row.getString("event_types");
    return new EventSubscriptionRecord(
        row.getString("id"),
        row.getString("vault_id"),
        row.getString("name"),
        row.getString("endpoint"),
        row.getString("delivery_schema"),
        types.isEmpty() ? List.of() : Arrays.asList(types.split(",")),
        row.getString("subject_prefix"),
        row.getInt("near_expiry_days"),
        row.getInt("max_attempts"),
        row.getInt("ttl_minutes"),
        row.getString("state"),
        row.getString("validation_code"),
        row.getLong("created"),
        row.getLong("after_position"));
  }

  private static EventDeliveryRecord delivery(ResultSet row) throws SQLException {
    return new EventDeliveryRecord(
        row.getLong("id"),
        row.getString("subscription_id"),
        row.getString("event_id"),
        row.getString("event_type"),
        row.getString("name"),
        row.getString("version"),
        Jdbc.optionalLong(row, "nbf"),
        Jdbc.optionalLong(row, "exp"),
        row.getString("detail"),
        row.getLong("published"),
        row.getInt("attempts"),
        row.getLong("next_attempt"),
        row.getString("state"),
        row.getString("last_outcome"),
        Jdbc.optionalLong(row, "last_attempt"),
        row.getString("dead_reason"));
  }
}

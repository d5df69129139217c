package io.crmemail.jdbc;

import io.crmemail.core.message.EmailMessage;
import io.crmemail.core.store.DeliveryJob;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Claims due outbox entries, fairly across accounts, so that several nodes can claim at once.
 *
 * <p>Three steps in one transaction: (1) read candidates without locks, per account its first
 * {@code ceil(limit / accounts)} (if need be {@code limit}) due and unleased entries through the
 * (account_id, due_at, message_id) index, so the work depends on the batch size and the number of accounts,
 * not on the queue length; (2) order them in rounds
 * of one entry per account, each round by due time then id; (3) lock them by primary key with
 * {@code FOR UPDATE SKIP LOCKED} and lease them with a conditional update that re-checks they are still
 * due and unleased (another node may have leased them since step 1), then count the attempt.
 */
final class Claims {

    /** One candidate entry from step 1. */
    private record Candidate(long messageId, long accountId, Instant dueAt) {
    }

    private static final Comparator<Candidate> BY_ACCOUNT_DUE = Comparator.comparingLong(Candidate::accountId)
            .thenComparing(Candidate::dueAt).thenComparingLong(Candidate::messageId);

    private static final String CLAIMABLE =
            " AND due_at <= ? AND (lease_expires_at IS NULL OR lease_expires_at <= ?)";

    /**
     * Most entries one claim hands out; a larger limit gets this many (the SPI allows fewer). Keeps IN lists
     * well below PostgreSQL's 32,767 bind parameters.
     */
    static final int MAX_CLAIM = 1000;

    /** Candidate reads per claim at most; more only happen while other claims hold the candidates locked. */
    private static final int MAX_PASSES = 4;

    private final Dialect dialect;
    private final Messages messages;

    Claims(Dialect dialect, Messages messages) {
        this.dialect = dialect;
        this.messages = messages;
    }

    List<DeliveryJob> claim(Connection c, Instant now, String owner, Instant expires, int requested)
            throws SQLException {
        int limit = Math.min(requested, MAX_CLAIM);
        List<Long> accounts = accounts(c);
        if (accounts.isEmpty()) {
            return List.of();
        }
        // First pass: just enough per account for `limit` when every account has work. If that yields fewer
        // than `limit` while some account was cut off, later passes read further: up to `limit` per account
        // plus what was already tried (rows other nodes hold locked are skipped, so a claim is never stuck
        // behind them). The first `limit` entries in round order are the same as with all entries (rounds
        // 1..k are complete), so fairness is exact at a fraction of the rows.
        int perAccount = Math.min(limit, (limit + accounts.size() - 1) / accounts.size());
        List<Long> claimed = new ArrayList<>();
        Set<Long> tried = new HashSet<>();
        for (int pass = 1; ; pass++) {
            List<Candidate> read = candidates(c, accounts, now, perAccount);
            List<Candidate> fresh = fairOrder(read.stream().filter(x -> !tried.contains(x.messageId())).toList());
            lockAndLease(c, fresh, owner, expires, now, limit, claimed, tried);
            int next = limit + tried.size();
            if (claimed.size() >= limit || pass == MAX_PASSES || next <= perAccount
                    || !anyAccountCutOff(read, perAccount)) {
                break;
            }
            perAccount = next;
        }
        if (claimed.isEmpty()) {
            return List.of();
        }
        Messages.addAttempts(c, claimed, 1);
        Map<Long, EmailMessage> found = messages.findAll(c, claimed);
        List<DeliveryJob> jobs = new ArrayList<>(claimed.size());
        for (Long id : claimed) {
            EmailMessage message = found.get(id);
            jobs.add(new DeliveryJob(message, message.metadata().attempts(), owner, expires));
        }
        return List.copyOf(jobs);
    }

    /**
     * Locks candidates in fair order, in chunks of twice what is still missing (rows another node holds are
     * skipped and the next ones tried), and leases those still claimable, appending them to {@code claimed}.
     */
    private void lockAndLease(Connection c, List<Candidate> candidates, String owner, Instant expires,
                                     Instant now, int limit, List<Long> claimed, Set<Long> tried) throws SQLException {
        int from = 0;
        while (claimed.size() < limit && from < candidates.size()) {
            int to = Math.min(candidates.size(), from + 2 * (limit - claimed.size()));
            List<Long> chunk = candidates.subList(from, to).stream().map(Candidate::messageId).toList();
            Set<Long> locked = lock(c, chunk, now);
            List<Long> wanted = chunk.stream().filter(locked::contains).limit(limit - claimed.size()).toList();
            claimed.addAll(lease(c, wanted, owner, expires, now));
            tried.addAll(chunk);
            from = to;
        }
    }

    private static boolean anyAccountCutOff(List<Candidate> read, int perAccount) {
        Map<Long, Integer> perAccountCount = new HashMap<>();
        for (Candidate x : read) {
            if (perAccountCount.merge(x.accountId(), 1, Integer::sum) >= perAccount) {
                return true;
            }
        }
        return false;
    }

    private static List<Long> accounts(Connection c) throws SQLException {
        List<Long> accounts = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT account_id FROM crm_email_outbox_account");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                accounts.add(rs.getLong(1));
            }
        }
        return accounts;
    }

    private List<Candidate> candidates(Connection c, List<Long> accounts, Instant now, int perAccount)
            throws SQLException {
        if (!dialect.candidatesPerListedAccount()) {
            try (PreparedStatement ps = c.prepareStatement(dialect.claimCandidates(-1))) {
                Sql.setInstant(ps, 1, now);
                Sql.setInstant(ps, 2, now);
                ps.setInt(3, perAccount);
                return read(ps);
            }
        }
        try (PreparedStatement ps = c.prepareStatement(dialect.claimCandidates(accounts.size()))) {
            int index = 1;
            for (Long account : accounts) {
                ps.setLong(index++, account);
                Sql.setInstant(ps, index++, now);
                Sql.setInstant(ps, index++, now);
                ps.setInt(index++, perAccount);
            }
            return read(ps);
        }
    }

    private static List<Candidate> read(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            List<Candidate> result = new ArrayList<>();
            while (rs.next()) {
                result.add(new Candidate(rs.getLong("message_id"), rs.getLong("account_id"),
                        Sql.getInstant(rs, "due_at")));
            }
            return result;
        }
    }

    /** Rounds of one entry per account (its next in due order); each round ordered by due time, then id. */
    private static List<Candidate> fairOrder(List<Candidate> candidates) {
        List<Candidate> sorted = new ArrayList<>(candidates);
        sorted.sort(BY_ACCOUNT_DUE);
        record Ranked(int round, Candidate candidate) {
        }
        List<Ranked> ranked = new ArrayList<>(sorted.size());
        int round = 0;
        for (int i = 0; i < sorted.size(); i++) {
            round = i > 0 && sorted.get(i - 1).accountId() == sorted.get(i).accountId() ? round + 1 : 0;
            ranked.add(new Ranked(round, sorted.get(i)));
        }
        ranked.sort(Comparator.comparingInt(Ranked::round)
                .thenComparing(r -> r.candidate().dueAt()).thenComparingLong(r -> r.candidate().messageId()));
        return ranked.stream().map(Ranked::candidate).toList();
    }

    private static Set<Long> lock(Connection c, List<Long> ids, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT message_id FROM crm_email_outbox WHERE message_id IN ("
                + Sql.placeholders(ids.size()) + ")" + CLAIMABLE + " FOR UPDATE SKIP LOCKED")) {
            int index = Sql.setLongs(ps, 1, ids);
            Sql.setInstant(ps, index++, now);
            Sql.setInstant(ps, index, now);
            try (ResultSet rs = ps.executeQuery()) {
                Set<Long> locked = new HashSet<>();
                while (rs.next()) {
                    locked.add(rs.getLong(1));
                }
                return locked;
            }
        }
    }

    /** Leases the locked entries that are still claimable; returns those, in the given order. */
    private List<Long> lease(Connection c, List<Long> ids, String owner, Instant expires, Instant now)
            throws SQLException {
        if (ids.isEmpty()) {
            return List.of();
        }
        // A "being sent" mark left under an expired lease says nothing about the new owner.
        Set<Long> changed = Sql.updatedMessageIds(c, dialect, "UPDATE crm_email_outbox SET lease_owner = ?,"
                + " lease_expires_at = ?, sending = FALSE WHERE message_id IN (" + Sql.placeholders(ids.size()) + ")"
                + CLAIMABLE, ps -> {
                    ps.setString(1, owner);
                    Sql.setInstant(ps, 2, expires);
                    int index = Sql.setLongs(ps, 3, ids);
                    Sql.setInstant(ps, index++, now);
                    Sql.setInstant(ps, index, now);
                });
        return ids.stream().distinct().filter(changed::contains).toList();
    }
}

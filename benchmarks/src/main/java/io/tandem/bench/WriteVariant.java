package io.tandem.bench;

/**
 * One way of committing a transaction that creates {@code n} new customers. The write-path benchmark runs every
 * variant of a table side by side with the same driver, threads and rounds; a variant is safe to call from many
 * threads at once, each call being one whole transaction (begin, writes, commit).
 */
interface WriteVariant {
    String name();

    /** Commits one transaction creating customers number {@code first .. first + n - 1} (unique names and emails). */
    void commitCustomers(long first, int n) throws Exception;

    /** The full name of customer number {@code n}, the same in every variant. */
    static String fullName(long n) {
        return "Customer " + n;
    }

    /** The (unique) email of customer number {@code n}, the same in every variant. */
    static String email(long n) {
        return "c" + n + "@example.org";
    }
}

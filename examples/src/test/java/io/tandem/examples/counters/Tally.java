package io.tandem.examples.counters;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/** A {@code @Version} whose entity's definition declares no {@code version_field}: refused at boot. */
@Entity
@Table(name = "tally")
public class Tally {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    Long id;

    String label;

    @Version
    long version;
}

package io.tandem.examples.shop;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

/** Shop v1's customer with a sequence that would resolve into the view schema: refused at boot. */
@Entity
@Table(name = "customer")
public class SequenceCustomer {
    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "c")
    @SequenceGenerator(name = "c", sequenceName = "customer_id_seq", allocationSize = 1)
    Long id;

    @Column(name = "full_name")
    String fullName;

    String email;
}

package io.tandem.examples.tasks;

import org.springframework.data.jpa.repository.JpaRepository;

import java.util.Optional;

/** Labels by name. */
public interface LabelRepository extends JpaRepository<Label, Long> {
    Optional<Label> findByName(String name);
}

package io.tandem.examples.tasks;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;

import java.util.List;

/** Projects, found by owner. */
public interface ProjectRepository extends JpaRepository<Project, Long> {
    Page<Project> findByOwnerEmail(String ownerEmail, Pageable page);

    List<Project> findByNameContainingOrderByName(String part);
}

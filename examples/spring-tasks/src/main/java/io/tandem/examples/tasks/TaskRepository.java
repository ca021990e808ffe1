package io.tandem.examples.tasks;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

import java.time.LocalDate;
import java.util.List;

/** Tasks: open ones by due date, by label, by project owner. */
public interface TaskRepository extends JpaRepository<Task, Long> {
    Page<Task> findByProjectIdAndDoneFalseOrderByDueAsc(long projectId, Pageable page);

    List<Task> findByLabelsNameOrderByTitle(String label);

    @Query("select t from Task t join t.project p where p.ownerEmail = :email and t.due < :day and t.done = false"
            + " order by t.due, t.id")
    List<Task> overdueFor(String email, LocalDate day);

    long countByProjectId(long projectId);
}

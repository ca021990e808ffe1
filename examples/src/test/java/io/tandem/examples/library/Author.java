package io.tandem.examples.library;

import jakarta.persistence.CascadeType;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.OneToMany;
import jakarta.persistence.Table;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

@Entity
@Table(name = "author")
public class Author {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    Long id;

    String name;

    @OneToMany(cascade = CascadeType.ALL)
    @JoinColumn(name = "author_id")
    List<Book> books = new ArrayList<>();

    @ElementCollection
    @CollectionTable(name = "author_alias", joinColumns = @JoinColumn(name = "author_id"))
    @Column(name = "alias")
    Set<String> aliases = new HashSet<>();

    protected Author() {
    }

    Author(String name) {
        this.name = name;
    }
}

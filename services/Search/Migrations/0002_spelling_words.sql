-- Every word of product names, brands and option values: what a misspelt word is corrected to,
-- found through a trigram index on a table of thousands of words rather than on every product.
CREATE TABLE search_words (
    word text PRIMARY KEY
);
CREATE INDEX search_words_trigrams ON search_words USING gist (word gist_trgm_ops);

CREATE FUNCTION remember_search_words(words text) RETURNS void LANGUAGE sql AS $$
    INSERT INTO search_words (word)
    SELECT DISTINCT word FROM regexp_split_to_table(lower(words), '[^[:alnum:]]+') word
    WHERE length(word) >= 3 AND word ~ '[[:alpha:]]'
    ON CONFLICT DO NOTHING
$$;

SELECT remember_search_words(name || ' ' || brand || ' ' || attribute_text) FROM products;

-- Suggestions match what was typed against the start of any word of a name.
CREATE INDEX products_name_words ON products USING gin (to_tsvector('simple', name));

-- Typos are corrected word by word against search_words instead of matching products by trigrams.
ALTER TABLE products DROP COLUMN fuzzy_text;

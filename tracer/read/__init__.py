"""Reading a page: main text, links, paragraphs and sentences, publication dates."""

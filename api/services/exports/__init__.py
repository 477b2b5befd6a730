"""Lists and boards as .xlsx workbooks (issue 17): each module builds one download from
the same query, filters and audience as its page and its JSON list; ``writer`` holds
what every download shares (the header row, the cell types, the row cap)."""

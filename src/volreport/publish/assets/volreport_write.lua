--[[
Phase 2 of the publisher: number and link pages for one output (HTML page or Typst book).

The document's blocks are pages, each a Div of class `vr-page` with attributes `page` (the
output stem) and `chapter` (its number, "A" for an appendix, empty when unnumbered). The
metadata `volreport` carries `target` (html|typst), `xref` (label -> {text, ref, page}:
its name in a caption and in a sentence),
`pages` (source path -> {page, anchor}), `words` (the edition language's `data-as-csv`, a
page's default CSV link text, and `as-csv`, the name it gets: "{name} as CSV"), for the
PDF `title-page` (the title page's words, Markdown) and optionally `site-url`.

Headings get chapter and section numbers, labelled figures and tables get "Figure 3.2:"
captions, `@fig-x`/`@tbl-x`/`@sec-x` become links, links to other pages' sources (.md, .ipynb)
point to the page. For Typst, heading labels are prefixed with the page so that they stay
unique in the one-document book, and CSV download links need a site to point to.

A table's notes (Div .table-note: what it leaves out, the legend of its gap mark) and a
chart's source line (Div .chart-source) that follow it belong to it: in HTML they go inside
its figure; in the PDF the table or figure, its notes and its data link are kept on one
page (a table of more than LONG_TABLE rows, or of more than LONG_TABLE_TEXT characters,
may break across pages, its caption staying with its first rows).
--]]

local stringify = pandoc.utils.stringify
local target, xref, pages, site_url, words
local NOTE_CLASSES = { "table-note", "chart-source" }
local LONG_TABLE = 12 -- body rows; a table up to this long is never split across pages
-- Characters in the body: a table of a few wordy rows can be taller than a page.
local LONG_TABLE_TEXT = 1500

local function fail(page, message)
  error(("page %s: %s"):format(page, message), 0)
end

local function numbered(label, inlines, class)
  local result = pandoc.Inlines({ pandoc.Span(label, { class = class }), pandoc.Space() })
  result:extend(inlines)
  return result
end

local function caption_with_number(caption, number)
  local blocks = caption.long
  local prefix = pandoc.Inlines({ pandoc.Span(number .. ":", { class = "caption-number" }) })
  if #blocks == 0 then
    caption.long = { pandoc.Plain(prefix) }
  else
    prefix:insert(pandoc.Space())
    prefix:extend(blocks[1].content)
    blocks[1].content = prefix
  end
  return caption
end

local function typst_label(page, id)
  return page .. "--" .. id
end

local function page_link(current, path, link)
  local source, fragment = path:match("^([^#]*)#?(.*)$")
  source = source:gsub("^%./", "")
  local entry = pages[source]
  if not entry then
    fail(current, "the link to " .. path .. " points to no page of the book")
  end
  if target == "html" then
    link.target = entry.page .. ".html" .. (fragment ~= "" and "#" .. fragment or "")
  else
    link.target = "#" .. typst_label(entry.page, fragment ~= "" and fragment or entry.anchor)
  end
  return link
end

local function is_page_source(path)
  if path:match("^%a[%w+.-]*:") then
    return false -- a URL
  end
  local source = path:match("^[^#]*")
  return source:match("%.md$") or source:match("%.ipynb$") or source:match("%.qmd$")
end

local function cross_reference(page, cite)
  local parts = pandoc.Inlines({})
  for index, citation in ipairs(cite.citations) do
    local id = citation.id
    if not (id:match("^fig%-") or id:match("^tbl%-") or id:match("^sec%-")) then
      return nil -- not a cross-reference: leave it as written
    end
    local entry = xref[id]
    if not entry then
      fail(page, "@" .. id .. " refers to no labelled figure, table or section")
    end
    local href = "#" .. id
    if target == "html" and entry.page ~= page then
      href = entry.page .. ".html#" .. id
    elseif target == "typst" and id:match("^sec%-") then
      href = "#" .. typst_label(entry.page, id)
    end
    if index > 1 then
      parts:extend({ pandoc.Str(","), pandoc.Space() })
    end
    parts:insert(pandoc.Link(entry.ref or entry.text, href, "", { class = "cross-ref" }))
  end
  return parts
end

-- Break opportunities in the long words of a table's header, for the PDF in a language
-- Typst has no hyphenation patterns for (Kazakh): a soft hyphen at each syllable boundary
-- of Cyrillic words (a vowel, then one consonant: before it; two or more consonants:
-- before the last, й ь ъ staying with the syllable before), never leaving fewer than
-- two letters on a line. Typst breaks there only when the word does not fit its column.
local soft_hyphens = false
local MIN_WORD = 8
local VOWELS, STICKY = {}, {}
for _, c in utf8.codes("аәеёиоөуұүыіэюяАӘЕЁИОӨУҰҮЫІЭЮЯ") do
  VOWELS[c] = true
end
for _, c in utf8.codes("йьъЙЬЪ") do
  STICKY[c] = true
end

local function cyrillic(c)
  return c and c >= 0x0400 and c <= 0x04FF
end

local function hyphenated(text)
  local chars = {}
  for _, c in utf8.codes(text) do
    chars[#chars + 1] = c
  end
  local breaks = {} -- positions a soft hyphen goes before
  local start = 1
  while start <= #chars do
    local finish = start
    while finish <= #chars and cyrillic(chars[finish]) do
      finish = finish + 1
    end
    if finish - start >= MIN_WORD then -- a word of chars[start .. finish - 1]
      local last_vowel
      for i = start, finish - 1 do
        if VOWELS[chars[i]] then
          if last_vowel and i - last_vowel > 1 then
            local at = (i - last_vowel == 2) and last_vowel + 1 or i - 1
            while STICKY[chars[at]] and at < i do
              at = at + 1
            end
            if at < i and at - start >= 2 and finish - at >= 2 then
              breaks[at] = true
            end
          end
          last_vowel = i
        end
      end
    end
    start = math.max(finish, start + 1)
  end
  local out = {}
  for i, c in ipairs(chars) do
    if breaks[i] then
      out[#out + 1] = utf8.char(0xAD)
    end
    out[#out + 1] = utf8.char(c)
  end
  return table.concat(out)
end

local function soft_hyphenated_header(tbl)
  local filter = {
    Str = function(str)
      str.text = hyphenated(str.text)
      return str
    end,
  }
  for _, row in ipairs(tbl.head.rows) do
    for _, cell in ipairs(row.cells) do
      cell.contents = cell.contents:walk(filter)
    end
  end
  return tbl
end

-- Typst would centre default-aligned cells inside the centred table figure.
local function left_aligned(tbl)
  for column, spec in ipairs(tbl.colspecs) do
    if spec[1] == pandoc.AlignDefault then
      tbl.colspecs[column] = { pandoc.AlignLeft, spec[2] }
    end
  end
  return tbl
end

-- A table's or figure's CSV link names it: "Table 4.1 as CSV". The page gives the default
-- text (volreport.display.download_link), which other engines show; a link with text of
-- its own (the Data page's) keeps it. On the site the link downloads the file.
local function default_download_text()
  return words["data-as-csv"] or "Data as CSV"
end

local function download_name(name)
  local pattern = words["as-csv"] or "{name} as CSV"
  local before, after = pattern:match("^(.-){name}(.*)$")
  return pandoc.Inlines((before or "") .. name .. (after or ""))
end

local function named_download(link)
  local label = link.target:match("^data/([%w%-]+)%.csv$")
  local entry = label and xref[label]
  if entry and stringify(link.content) == default_download_text() then
    link.content = download_name(entry.text)
  end
  if target == "html" then
    link.attributes.download = ""
  end
  return link
end

-- The landing page's key figures (a `key-figures` Div of `key-figure` cards) as a Typst
-- grid of boxed cards; each card's paragraphs are set by the class of their one span.
local CARD_TEXT = {
  ["kf-label"] = '#text(size: 8.5pt, fill: rgb("#59636e"))[',
  ["kf-value"] = '#text(size: 14pt, weight: "bold")[',
  ["kf-change"] = "#text(size: 8.5pt)[",
  ["kf-meta"] = '#text(size: 8pt, fill: rgb("#59636e"))[',
}
local function card_typst(card)
  local blocks = pandoc.Blocks({})
  for _, block in ipairs(card.content) do
    local span = (block.t == "Para" or block.t == "Plain") and #block.content == 1
      and block.content[1].t == "Span" and block.content[1]
    local opening = span and CARD_TEXT[span.classes[1]]
    if opening then
      local inlines = pandoc.Inlines({ pandoc.RawInline("typst", opening) })
      inlines:extend(span.content:walk({
        Span = function(inner)
          if inner.classes:includes("kf-qualifier") then
            local small = pandoc.Inlines({ pandoc.RawInline("typst", '#text(size: 8pt, weight: "regular")[') })
            small:extend(inner.content)
            small:insert(pandoc.RawInline("typst", "]"))
            return small
          end
        end,
      }))
      inlines:insert(pandoc.RawInline("typst", "]"))
      blocks:insert(pandoc.Para(inlines))
    else
      blocks:insert(block)
    end
  end
  local markup = pandoc.write(pandoc.Pandoc(blocks), "typst")
  return "  block(width: 100%, inset: (x: 7pt, y: 6pt), radius: 2pt, breakable: false,\n"
    .. '    stroke: (top: 2pt + rgb("#0072b2"), rest: 0.5pt + rgb("#d8dee4")))[\n'
    .. "#set par(spacing: 0.55em, justify: false)\n#set text(hyphenate: false)\n"
    .. markup
    .. "\n  ],\n"
end

local function key_figures_typst(div)
  if not div.classes:includes("key-figures") then
    return nil
  end
  local cards = {}
  for _, block in ipairs(div.content) do
    if block.t == "Div" and block.classes:includes("key-figure") then
      cards[#cards + 1] = card_typst(block)
    end
  end
  return pandoc.RawBlock(
    "typst",
    "#grid(columns: (1fr, 1fr, 1fr), column-gutter: 8pt, row-gutter: 8pt,\n"
      .. table.concat(cards)
      .. ")"
  )
end

local function is_download_only(para)
  local links = 0
  for _, inline in ipairs(para.content) do
    if inline.t == "Link" and inline.classes:includes("data-download") then
      links = links + 1
    elseif inline.t ~= "Space" and inline.t ~= "SoftBreak" then
      return false
    end
  end
  return links > 0
end

-- A CSV link under something that is not a numbered table or figure (a list of
-- resolutions, say) is named after the section it is in: "Further resolutions as CSV".
-- `downloads.catalogue` names the Data page's entries the same way.
local function name_section_downloads(blocks)
  local section
  for _, block in ipairs(blocks) do
    if block.t == "Header" then
      section = stringify(block.content)
    elseif block.t == "Para" and section and is_download_only(block) then
      for _, inline in ipairs(block.content) do
        local label = inline.t == "Link" and inline.target:match("^data/([%w%-]+)%.csv$")
        if label and not xref[label] and stringify(inline.content) == default_download_text() then
          inline.content = download_name(section)
        end
      end
    end
  end
  return blocks
end

local function note_class(block)
  if block.t ~= "Div" then
    return nil
  end
  for _, class in ipairs(NOTE_CLASSES) do
    if block.classes:includes(class) then
      return class
    end
  end
  return nil
end

local function body_rows(tbl)
  local rows = 0
  for _, body in ipairs(tbl.bodies) do
    rows = rows + #body.body
  end
  return rows
end

local function body_characters(tbl)
  local characters = 0
  for _, body in ipairs(tbl.bodies) do
    for _, row in ipairs(body.body) do
      for _, cell in ipairs(row.cells) do
        characters = characters + utf8.len(stringify(cell.contents))
      end
    end
  end
  return characters
end

-- Typst: a note as a call of the book template's function of the same name.
local function typst_note(div, class)
  local blocks = pandoc.Blocks({ pandoc.RawBlock("typst", "#" .. class .. "[") })
  blocks:extend(div.content)
  blocks:insert(pandoc.RawBlock("typst", "]"))
  return blocks
end

-- Typst: a table or figure with what follows it on one page; a long table may break.
local function typst_together(item, extras)
  local opening = "#block(breakable: false, width: 100%)["
  if item.t == "Table" and (body_rows(item) > LONG_TABLE or body_characters(item) > LONG_TABLE_TEXT) then
    opening = "#[#show figure: set block(breakable: true)"
  end
  local blocks = pandoc.Blocks({ pandoc.RawBlock("typst", opening), item })
  blocks:extend(extras)
  blocks:insert(pandoc.RawBlock("typst", "]"))
  return blocks
end

-- Each table and figure followed by its notes, source line and data link as one unit.
local function attach_notes(blocks)
  local result = pandoc.Blocks({})
  local index = 1
  while index <= #blocks do
    local block = blocks[index]
    index = index + 1
    if block.t == "Table" or block.t == "Figure" then
      local notes, links = pandoc.Blocks({}), pandoc.Blocks({})
      while index <= #blocks do
        local class = note_class(blocks[index])
        if class and target == "typst" then
          notes:extend(typst_note(blocks[index], class))
        elseif class then
          notes:insert(blocks[index])
        elseif blocks[index].t == "Para" and is_download_only(blocks[index]) then
          links:insert(blocks[index])
        else
          break
        end
        index = index + 1
      end
      if target == "typst" and block.t == "Figure" then
        block.content:extend(notes) -- the source line under the chart, above its caption
        result:extend(typst_together(block, links))
      elseif target == "typst" then
        notes:extend(links)
        result:extend(typst_together(block, notes))
      else
        if #notes > 0 then
          block.content:extend(notes)
        end
        result:insert(block)
        result:extend(links)
      end
    elseif note_class(block) and target == "typst" then
      result:extend(typst_note(block, note_class(block)))
    else
      result:insert(block)
    end
  end
  return result
end

local function render_page(div, meta)
  local page = div.attributes.page
  local chapter = div.attributes.chapter or ""
  local heading_ids, title = {}, nil

  div.content:walk({
    Header = function(header)
      if header.identifier ~= "" then
        heading_ids[header.identifier] = true
      end
    end,
  })

  local content = name_section_downloads(div.content)
  if target == "typst" and not site_url then
    -- A PDF has no data folder next to it: without a site, CSV links lead nowhere.
    content = content:filter(function(block)
      return not (block.t == "Para" and is_download_only(block))
    end)
  end

  content = content:walk({
    Header = function(header)
      local section = header.attributes["vr-number"]
      header.attributes["vr-number"] = nil
      if chapter ~= "" and header.level == 1 and not header.classes:includes("unnumbered") then
        header.content = numbered(chapter, header.content, "chapter-number")
      elseif chapter ~= "" and section then
        local number = chapter .. "." .. section
        header.content = numbered(number, header.content, "header-section-number")
      end
      if target == "typst" and header.identifier ~= "" then
        header.identifier = typst_label(page, header.identifier)
      end
      return header
    end,
    Figure = function(figure)
      local entry = xref[figure.identifier]
      if entry then
        figure.caption = caption_with_number(figure.caption, entry.text)
      end
      return figure
    end,
    Table = function(tbl)
      local entry = xref[tbl.identifier]
      if entry then
        tbl.caption = caption_with_number(tbl.caption, entry.text)
      end
      if target == "typst" then
        if soft_hyphens then
          tbl = soft_hyphenated_header(tbl)
        end
        return left_aligned(tbl)
      end
      -- HTML: the caption stays put above a table that scrolls sideways on a phone.
      local caption, id = tbl.caption, tbl.identifier
      if #caption.long == 0 then
        return pandoc.Div({ tbl }, { class = "table-wrap" })
      end
      tbl.caption, tbl.identifier = { long = {} }, ""
      local wrapped = pandoc.Div({ tbl }, { class = "table-wrap" })
      return pandoc.Figure({ wrapped }, caption, { id = id, class = "table-figure" })
    end,
    Cite = function(cite)
      return cross_reference(page, cite)
    end,
    Link = function(link)
      local path = link.target
      if link.classes:includes("data-download") then
        link = named_download(link)
      end
      if is_page_source(path) then
        return page_link(page, path, link)
      end
      if target == "typst" then
        local fragment = path:match("^#(.+)$")
        if fragment and heading_ids[fragment] then
          link.target = "#" .. typst_label(page, fragment)
        elseif link.classes:includes("data-download") then
          if not site_url then
            return link.content
          end
          link.target = site_url .. "/" .. path
        end
      end
      return link
    end,
  })

  content = attach_notes(content)
  if target == "typst" then
    content = content:walk({ Div = key_figures_typst })
  end

  if target == "html" then
    -- The page's title is shown by the template, not in the body.
    content = content:filter(function(block)
      if block.t == "Header" and block.level == 1 and not title then
        title = block.content
        return false
      end
      return true
    end)
    meta.title = title
  end
  return content
end

local function plain(value)
  if type(value) == "table" and value.t == nil then
    local result = {}
    for key, item in pairs(value) do
      result[key] = plain(item)
    end
    return result
  end
  return stringify(value)
end

-- Markdown text as inlines (smart quotes, emphasis), for the PDF's title page.
local function markdown_inlines(text)
  return pandoc.utils.blocks_to_inlines(pandoc.read(text, "markdown").blocks)
end

-- The PDF's title page and running header words (`title-page`), as metadata of the
-- template; the note on the data names the site (a link) when the book has one.
local function title_page(meta, words_of_page)
  for key, text in pairs(words_of_page) do
    if key ~= "about-data-site" and key ~= "about-data" then
      meta[key] = markdown_inlines(text)
    end
  end
  local about = words_of_page["about-data"]
  if site_url and words_of_page["about-data-site"] then
    local before, after = words_of_page["about-data-site"]:match("^(.-){site}(.*)$")
    local inlines = markdown_inlines(before or "")
    if #inlines > 0 and (before or ""):match("%s$") then
      inlines:insert(pandoc.Space())
    end
    inlines:insert(pandoc.Link(site_url, site_url))
    inlines:extend(markdown_inlines(after or ""))
    meta["about-data"] = inlines
  elseif about then
    meta["about-data"] = markdown_inlines(about)
  end
end

function Pandoc(doc)
  local settings = doc.meta.volreport
  target = stringify(settings.target)
  xref = plain(settings.xref or {})
  pages = plain(settings.pages or {})
  words = plain(settings.words or {})
  soft_hyphens = settings["soft-hyphens"] == true
  local url = settings["site-url"] or doc.meta["site-url"]
  site_url = url and stringify(url):gsub("/$", "") or nil
  if target == "typst" and settings["title-page"] then
    -- The title page's words; its note on the data links the site when the book has one.
    title_page(doc.meta, plain(settings["title-page"]))
  end
  local blocks = pandoc.Blocks({})
  for _, block in ipairs(doc.blocks) do
    if block.t == "Div" and block.classes:includes("vr-page") then
      blocks:extend(render_page(block, doc.meta))
    else
      blocks:insert(block)
    end
  end
  doc.blocks = blocks
  doc.meta.volreport = nil
  return doc
end

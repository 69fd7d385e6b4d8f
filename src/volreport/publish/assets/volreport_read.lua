--[[
Phase 1 of the publisher: turn one page (a Markdown page, or a notebook executed by
papermill and read with `pandoc -f ipynb --ipynb-output=all`) into plain report content.

Notebook cells: code is never shown. Cells tagged parameters, injected-parameters or
remove-cell, and cells with `#| include: false`, are dropped; `#| output: false` and the
remove-output tag drop the outputs. Of each output the best representation is kept:
text/markdown (parsed), an HTML table (a real table), an image (SVG before PNG);
streams and plain-text reprs are noise. A cell labelled `#| label: fig-...` becomes a
figure with `#| fig-cap:` and `#| fig-alt:` (and the class column-<value> of `#| column:`);
`#| label: tbl-...` a table with `#| tbl-cap:`.

Numbers in table cells are right-aligned, with the qualifier words of the edition's
language (metadata `volreport-qualifiers`: a JSON list of Lua patterns, each capturing the
number, from labels.yml: "at least 1,200", "не менее 1 200", "1 200-ге дейін").

Headings of levels 2-3 get their number within the chapter (attribute vr-number). Writes
into the metadata what the book needs to number and link the page: volreport-title,
volreport-anchor, volreport-unnumbered, volreport-figures, volreport-tables and
volreport-sections (headings labelled sec-...).
--]]

local stringify = pandoc.utils.stringify
local DROPPED_CELL_TAGS = { "parameters", "injected-parameters", "remove-cell" }
local IMAGE_PREFERENCE = { svg = 1, png = 2, jpg = 3, jpeg = 3, gif = 4 }
local GAP_MARKS = { [""] = true, ["—"] = true, ["–"] = true, ["-"] = true } -- no value
-- Words a published number may carry in its cell, before or after it (labels.yml
-- `qualifiers` of the edition's language, as patterns capturing the number); English
-- unless the metadata says otherwise.
local qualifiers = { "^at least (.-)$", "^up to (.-)$", "^about (.-)$" }

local cell_number = 0 -- position of the cell being read, counted from 1 like Jupyter

local function fail(cell, message)
  error(("cell %d (id %s): %s"):format(cell_number, cell.identifier, message), 0)
end

local function tags_of(cell)
  local raw = cell.attributes.tags
  local set = {}
  if raw and raw ~= "" then
    for _, tag in ipairs(pandoc.json.decode(raw)) do
      set[tag] = true
    end
  end
  return set
end

-- Quarto cell options: the leading `#| key: value` lines of the source, read as YAML.
local function options_of(cell, source)
  local lines = {}
  for line in (source .. "\n"):gmatch("(.-)\n") do
    local option = line:match("^#|%s?(.*)$")
    if not option then
      break
    end
    lines[#lines + 1] = option
  end
  if #lines == 0 then
    return {}
  end
  local ok, doc = pcall(pandoc.read, "---\n" .. table.concat(lines, "\n") .. "\n---\n", "markdown")
  if not ok then
    fail(cell, "cannot read the #| options as YAML: " .. tostring(doc))
  end
  return doc.meta
end

local function is_false(value)
  return value == false or (value ~= nil and stringify(value) == "false")
end

-- pandas Styler gives every cell a random id and classes: drop them (reproducible pages).
local function without_attributes(tbl)
  local function clear(rows)
    for _, row in ipairs(rows) do
      row.attr = pandoc.Attr()
      for _, cell in ipairs(row.cells) do
        cell.attr = pandoc.Attr()
      end
    end
  end
  tbl.attr = pandoc.Attr()
  clear(tbl.head.rows)
  for _, body in ipairs(tbl.bodies) do
    clear(body.head)
    clear(body.body)
  end
  clear(tbl.foot.rows)
  return tbl
end

local function first_table(html)
  local found
  pandoc.read(html, "html").blocks:walk({
    Table = function(tbl)
      found = found or tbl
    end,
  })
  return without_attributes(found)
end

local function looks_numeric(text)
  for _, pattern in ipairs(qualifiers) do -- "at least 16,155" is a number as published
    local number = text:match(pattern)
    if number and number ~= "" then
      text = number
      break
    end
  end
  local bare = text:gsub("\u{2212}", "-") -- minus sign
  bare = bare:gsub("\u{2009}", ""):gsub("\u{202F}", ""):gsub("\u{A0}", "") -- thin, no-break spaces
  return bare:match("^[%+%-]?[%d,%.%s]*%d[%d,%.%s]*%%?$") ~= nil
end

-- Right-align columns whose body cells are all numbers (how numbers are read and compared).
local function align_numbers(tbl)
  for column, spec in ipairs(tbl.colspecs) do
    local numeric, seen = true, false
    for _, body in ipairs(tbl.bodies) do
      for _, row in ipairs(body.body) do
        local cell = row.cells[column]
        if cell then
          local text = stringify(cell.contents)
          if not GAP_MARKS[text] then
            seen = true
            numeric = numeric and looks_numeric(text)
          end
        end
      end
    end
    if seen and numeric then
      tbl.colspecs[column] = { pandoc.AlignRight, spec[2] }
    end
  end
  return tbl
end

-- The one representation of an output worth publishing, as {kind=..., value=...} or nil.
local function best_representation(cell, output)
  if output.classes:includes("error") then
    fail(cell, "the notebook stored an error output; the chapter did not run cleanly")
  end
  if output.classes:includes("stream") then
    return nil
  end
  local markdown, html, image, image_rank
  for _, block in ipairs(output.content) do
    if block.t == "RawBlock" and block.format == "markdown" then
      markdown = block.text
    elseif block.t == "RawBlock" and block.format == "html" then
      html = block.text
    elseif block.t == "Para" and #block.content == 1 and block.content[1].t == "Image" then
      local extension = block.content[1].src:match("%.(%w+)$")
      local rank = IMAGE_PREFERENCE[extension and extension:lower() or ""] or 9
      if not image or rank < image_rank then
        image, image_rank = block.content[1], rank
      end
    end
  end
  if markdown then
    -- Computed prose quotes data text: HTML in it is shown as text, never passed through.
    local reader = "markdown-raw_html-raw_attribute-raw_tex"
    return { kind = "markdown", value = pandoc.read(markdown, reader).blocks }
  end
  if html and html:find("<table", 1, true) then
    return { kind = "table", value = align_numbers(first_table(html)) }
  end
  if image then
    return { kind = "image", value = image }
  end
  return nil
end

local function caption_blocks(value)
  if value == nil then
    return {}
  end
  return { pandoc.Plain(pandoc.Inlines(value)) }
end

local function code_cell(cell)
  local tags = tags_of(cell)
  for _, tag in ipairs(DROPPED_CELL_TAGS) do
    if tags[tag] then
      return {}
    end
  end
  local source = cell.content[1] and cell.content[1].t == "CodeBlock" and cell.content[1].text or ""
  local options = options_of(cell, source)
  if is_false(options.include) then
    return {}
  end
  if is_false(options.output) or tags["remove-output"] then
    return {}
  end

  local label = options.label and stringify(options.label) or ""
  local kind = label:match("^(%a+)%-") or ""
  local blocks, images, tables = pandoc.Blocks({}), 0, 0
  for _, output in ipairs(cell.content) do
    local shown = output.t == "Div" and best_representation(cell, output)
    if shown and shown.kind == "markdown" then
      blocks:extend(shown.value)
    elseif shown and shown.kind == "table" then
      tables = tables + 1
      local tbl = shown.value
      if kind == "tbl" then
        tbl.identifier = label
        tbl.caption = { long = caption_blocks(options["tbl-cap"]) }
      end
      blocks:insert(tbl)
    elseif shown and shown.kind == "image" then
      images = images + 1
      local image = shown.value
      if options["fig-alt"] then
        image.attributes.alt = stringify(options["fig-alt"])
      end
      if kind == "fig" or options["fig-cap"] then
        local id = kind == "fig" and label or ""
        local caption = caption_blocks(options["fig-cap"])
        -- Quarto's `#| column: body-outset`: a chart wider than the text (it scrolls on
        -- a phone rather than shrink its type).
        local attributes = { id = id }
        if options.column then
          attributes.class = "column-" .. stringify(options.column)
        end
        blocks:insert(pandoc.Figure(pandoc.Plain({ image }), caption, attributes))
      else
        blocks:insert(pandoc.Para({ image }))
      end
    end
  end
  -- A labelled cell that shows nothing is left out: a table or figure that this
  -- year's data do not have. Anything shown must be exactly the one labelled item.
  if #blocks == 0 then
    return blocks
  end
  if kind == "fig" and images ~= 1 then
    fail(cell, ("label %s needs exactly one image output, found %d"):format(label, images))
  end
  if kind == "tbl" and tables ~= 1 then
    fail(cell, ("label %s needs exactly one table output, found %d"):format(label, tables))
  end
  return blocks
end

-- Markdown pages: Quarto's fig-alt attribute becomes the image's alt text.
local function alt_text(image)
  if image.attributes["fig-alt"] then
    image.attributes.alt = image.attributes["fig-alt"]
    image.attributes["fig-alt"] = nil
    return image
  end
end

local function unwrap_cells(blocks)
  local result = pandoc.Blocks({})
  for _, block in ipairs(blocks) do
    if block.t == "Div" and block.classes:includes("cell") then
      cell_number = cell_number + 1
      if block.classes:includes("code") then
        result:extend(code_cell(block))
      else
        result:extend(block.content)
      end
    else
      result:insert(block)
    end
  end
  return result
end

-- The page's title is its one first-level heading (or `title:` in its front matter).
local function title_heading(doc)
  local headings = {}
  for index, block in ipairs(doc.blocks) do
    if block.t == "Header" and block.level == 1 then
      headings[#headings + 1] = index
    end
  end
  if #headings > 1 then
    local message = "the page has %d first-level headings; a page is one chapter, "
      .. "use ## for its sections"
    error(message:format(#headings), 0)
  end
  if #headings == 1 then
    return doc.blocks[headings[1]]
  end
  if doc.meta.title then
    -- A heading made here gets no automatic identifier: give it one to link to.
    local heading = pandoc.Header(1, pandoc.Inlines(doc.meta.title), { id = "title" })
    doc.blocks:insert(1, heading)
    return heading
  end
  error("the page has no title: start it with a first-level heading (# Title)", 0)
end

local function labelled_ids(blocks, element, prefix)
  local ids, seen = {}, {}
  blocks:walk({
    [element] = function(node)
      local id = node.identifier
      if id:sub(1, #prefix) == prefix then
        if seen[id] then
          error(("the label %s is used twice"):format(id), 0)
        end
        seen[id] = true
        ids[#ids + 1] = id
      end
    end,
  })
  return ids
end

-- Section numbers within the chapter (2, 2.1); the chapter's own number comes later.
local function number_sections(blocks)
  local counters, sections = { 0, 0 }, {}
  local numbered = blocks:walk({
    Header = function(header)
      local depth = header.level - 1
      if depth >= 1 and depth <= #counters and not header.classes:includes("unnumbered") then
        counters[depth] = counters[depth] + 1
        for deeper = depth + 1, #counters do
          counters[deeper] = 0
        end
        header.attributes["vr-number"] = table.concat(counters, ".", 1, depth)
      end
      if header.identifier:match("^sec%-") then
        sections[#sections + 1] = {
          id = header.identifier,
          number = header.attributes["vr-number"] or "",
          level = tostring(header.level),
          title = stringify(header.content),
        }
      end
      return header
    end,
  })
  return numbered, sections
end

-- A link goes to a web page, an e-mail address or a file of the book: never to a script
-- (javascript:, data:, vbscript:, file: ...).
local LINK_SCHEMES = { http = true, https = true, mailto = true }

local function safe_link(element)
  local target = element.t == "Image" and element.src or element.target
  local scheme = target:match("^%s*(%a[%w+.-]*):")
  if scheme and not LINK_SCHEMES[scheme:lower()] then
    error(("the link to %q: only web addresses and the book's own files can be linked"):format(
      target), 0)
  end
end

function Pandoc(doc)
  doc.blocks:walk({ Link = safe_link, Image = safe_link })
  if doc.meta["volreport-qualifiers"] then
    qualifiers = pandoc.json.decode(stringify(doc.meta["volreport-qualifiers"]))
    doc.meta["volreport-qualifiers"] = nil
  end
  doc.blocks = unwrap_cells(doc.blocks):walk({ Image = alt_text })
  local heading = title_heading(doc)
  doc.meta["volreport-title"] = stringify(heading.content)
  doc.meta["volreport-anchor"] = heading.identifier
  doc.meta["volreport-unnumbered"] = heading.classes:includes("unnumbered")
  doc.meta["volreport-figures"] = labelled_ids(doc.blocks, "Figure", "fig-")
  doc.meta["volreport-tables"] = labelled_ids(doc.blocks, "Table", "tbl-")
  doc.blocks, doc.meta["volreport-sections"] = number_sections(doc.blocks)
  return doc
end

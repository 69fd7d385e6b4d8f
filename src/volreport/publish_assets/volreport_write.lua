--[[
Phase 2 of the publisher: number and link pages for one output (HTML page or Typst book).

The document's blocks are pages, each a Div of class `vr-page` with attributes `page` (the
output stem) and `chapter` (its number, "A" for an appendix, empty when unnumbered). The
metadata `volreport` carries `target` (html|typst), `xref` (label -> {text, page}),
`pages` (source path -> {page, anchor}) and optionally `site-url`.

Headings get chapter and section numbers, labelled figures and tables get "Figure 3.2:"
captions, `@fig-x`/`@tbl-x`/`@sec-x` become links, links to other pages' sources (.md, .ipynb)
point to the page. For Typst, heading labels are prefixed with the page so that they stay
unique in the one-document book, and CSV download links need a site to point to.
--]]

local stringify = pandoc.utils.stringify
local target, xref, pages, site_url

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
    parts:insert(pandoc.Link(entry.text, href, "", { class = "cross-ref" }))
  end
  return parts
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

  local content = div.content
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

function Pandoc(doc)
  local settings = doc.meta.volreport
  target = stringify(settings.target)
  xref = plain(settings.xref or {})
  pages = plain(settings.pages or {})
  site_url = settings["site-url"] and stringify(settings["site-url"]):gsub("/$", "") or nil
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

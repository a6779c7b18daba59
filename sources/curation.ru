# The corrections the curators made to the import of the survey pages (sources/make_data.py
# applies them, in order, to the imported graph). Each one fixes a defect that the import or the
# shapes found and records it on the work as a skos:editorialNote. What the importer corrects
# itself (duplicate entries merged, project pages labelled Code, mis-encoded text, a year taken
# from the arXiv ID) it notes itself.
PREFIX paper: <https://w3id.org/survey-kg/paper/>
PREFIX venue: <https://w3id.org/survey-kg/venue/>
PREFIX category: <https://w3id.org/survey-kg/category/>
PREFIX schema: <https://schema.org/>
PREFIX skg: <https://w3id.org/survey-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>

# ---------------------------------------------------------------- text copied between entries

# ActionFormer (2202.07925) carries the one-liner, core innovation and key points of LVDM
# (2211.13221) on both pages, and LVDM's Chinese abstract (skg:CopiedTextShape,
# skg:CopiedKeyPointShape). They are removed; the one-liner is written from the paper's abstract.
DELETE { paper:2202.07925 schema:description ?d ; skg:coreInnovation ?c ; schema:abstract ?a ;
             skg:keyPoint ?k . ?k ?p ?o }
INSERT { paper:2202.07925 schema:description "A single-shot Transformer for temporal action localization that combines multiscale features with local self-attention and classifies every moment, without action proposals or anchor windows."@en ;
             skos:editorialNote "Both survey pages give this entry the one-liner, core innovation and key points of 2211.13221 (LVDM), and the Chinese page gives it LVDM's Chinese abstract: copy-paste errors. They were removed; the English one-liner was written by the curator from the paper's own abstract. The English abstract is the paper's own and was kept."@en }
WHERE {
    { paper:2202.07925 schema:description ?d } UNION { paper:2202.07925 skg:coreInnovation ?c }
    UNION { paper:2202.07925 schema:abstract ?a FILTER (LANG(?a) = "zh") }
    UNION { paper:2202.07925 skg:keyPoint ?k . ?k ?p ?o }
} ;

# TriDet (2303.07347) carries LVDM's Chinese abstract.
DELETE { paper:2303.07347 schema:abstract ?a }
INSERT { paper:2303.07347 skos:editorialNote "The Chinese page gives this entry the Chinese abstract of 2211.13221 (LVDM), a copy-paste error; it was removed."@en }
WHERE { paper:2303.07347 schema:abstract ?a FILTER (LANG(?a) = "zh") } ;

# MIO (2409.17692) carries CLIP's (2103.00020) English abstract.
DELETE { paper:2409.17692 schema:abstract ?a }
INSERT { paper:2409.17692 skos:editorialNote "The English page gives this entry the abstract of 2103.00020 (CLIP), a copy-paste error; it was removed. The Chinese abstract is the paper's own and was kept."@en }
WHERE { paper:2409.17692 schema:abstract ?a FILTER (LANG(?a) = "en") } ;

# ---------------------------------------------------------------- identifiers and venues

# GAIA-1's entry gives the arXiv ID 2311.07541, but its Paper and PDF links are to 2309.17080,
# GAIA-1's arXiv ID (skg:ArxivIdentifierShape). The work is renamed to paper:2309.17080.
DELETE { ?s ?p ?o }
INSERT { ?s2 ?p2 ?o2 }
WHERE {
    ?s ?p ?o .
    FILTER (STRSTARTS(STR(?s), STR(paper:2311.07541)))
    BIND (IRI(REPLACE(STR(?s), "2311.07541", "2309.17080")) AS ?s2)
    BIND (IF(isIRI(?o) && STRSTARTS(STR(?o), STR(paper:2311.07541)),
             IRI(REPLACE(STR(?o), "2311.07541", "2309.17080")), ?o) AS ?o2)
    BIND (?p AS ?p2)
} ;
DELETE { ?id schema:value "2311.07541" . ?doi schema:value "10.48550/arXiv.2311.07541" .
         paper:2309.17080 schema:sameAs <https://arxiv.org/abs/2311.07541> , <https://doi.org/10.48550/arXiv.2311.07541> }
INSERT { ?id schema:value "2309.17080" . ?doi schema:value "10.48550/arXiv.2309.17080" .
         paper:2309.17080 schema:sameAs <https://arxiv.org/abs/2309.17080> , <https://doi.org/10.48550/arXiv.2309.17080> ;
             skos:editorialNote "Both survey pages give the arXiv ID 2311.07541, but the entry's Paper and PDF links are to 2309.17080, which is GAIA-1's arXiv ID: the work is paper:2309.17080."@en }
WHERE { paper:2309.17080 schema:identifier ?id , ?doi .
        ?id schema:propertyID "arXiv" . ?doi schema:propertyID "DOI" } ;

# DreamFusion (2209.14988): "ICRL 2023" on the Modality + Spatial Consistency pages is ICLR.
DELETE { paper:2209.14988 skg:venue ?wrong . ?wrong ?p ?o }
INSERT { paper:2209.14988 skg:venue venue:iclr ;
             skos:editorialNote "The survey gives the venue as 'ICRL 2023'; it is ICLR 2023."@en }
WHERE { paper:2209.14988 skg:venue ?wrong . FILTER (?wrong = venue:icrl) ?wrong ?p ?o } ;

# ---------------------------------------------------------------- mis-encoded text the importer could not repair

# 2410.15312: its key points are English on the Chinese page, the last one mis-encoded beyond
# repair ("3D鈫扻 ... X鈫�3D", a byte lost): read as Chinese, they are tagged English again and
# the arrows written back.
DELETE { ?point skg:text ?text }
INSERT { ?point skg:text ?english }
WHERE {
    paper:2410.15312 skg:keyPoint ?point . ?point skg:text ?text .
    BIND (STRLANG(IF(CONTAINS(STR(?text), "Utilization of 3D"),
                     "Utilization of 3D→X processes to guide X→3D processes", STR(?text)), "en") AS ?english)
} ;
DELETE { paper:2410.15312 skg:keyPoint ?point . ?point ?p ?o }
INSERT { paper:2410.15312 skg:keyPoint ?renamed . ?renamed ?p ?o ;
             skos:editorialNote "The Chinese page gives this entry English key points, the last one mis-encoded beyond repair (its arrows read as Chinese characters, a byte lost); they are recorded as the English key points, the arrows written back."@en }
WHERE {
    paper:2410.15312 skg:keyPoint ?point . ?point ?p ?o .
    BIND (IRI(REPLACE(STR(?point), "key-point-zh-", "key-point-en-")) AS ?renamed)
} ;

# ---------------------------------------------------------------- the categories' keywords
# A category's keywords are what its works' titles and one-liners say; a work that says none
# of them may be in the wrong section (skg:OnTopicShape, a warning).

INSERT DATA {
    category:modality-consistency skg:keyword "text-to-image"@en , "image generation"@en ,
        "vision-language"@en , "multimodal"@en , "caption"@en , "image editing"@en , "diffusion"@en ,
        "tokenizer"@en , "text"@en , "image"@en , "文本到图像"@zh , "多模态"@zh , "图像生成"@zh .
    category:spatial-consistency skg:keyword "3d"@en , "view synthesis"@en , "nerf"@en ,
        "radiance field"@en , "gaussian"@en , "reconstruction"@en , "depth"@en , "scene"@en ,
        "geometry"@en , "三维"@zh , "重建"@zh .
    category:temporal-consistency skg:keyword "video"@en , "temporal"@en , "motion"@en ,
        "prediction"@en , "dynamics"@en , "tracking"@en , "frame"@en , "视频"@zh , "时间"@zh ,
        "时序"@zh .
    category:modality-spatial-consistency skg:keyword "text-to-3d"@en , "image-to-3d"@en ,
        "3d"@en , "multi-view"@en , "spatial"@en , "scene"@en , "三维"@zh , "空间"@zh .
    category:modality-temporal-consistency skg:keyword "video generation"@en ,
        "video synthesis"@en , "text-to-video"@en , "image-to-video"@en , "video diffusion"@en ,
        "video"@en , "animat"@en , "视频生成"@zh , "文本到视频"@zh , "图像到视频"@zh .
    category:spatial-temporal-consistency skg:keyword "4d"@en , "dynamic scene"@en ,
        "3d"@en , "tracking"@en , "camera"@en , "video"@en , "四维"@zh , "动态场景"@zh .
    category:world-models skg:keyword "world"@en , "video"@en , "generat"@en , "世界"@zh .
    category:embodied-intelligence-systems skg:keyword "robot"@en , "embodied"@en ,
        "driving"@en , "action"@en , "world model"@en , "机器人"@zh , "具身"@zh .
    category:benchmarks-evaluation skg:keyword "benchmark"@en , "evaluat"@en ,
        "reasoner"@en , "基准"@zh , "评估"@zh .
}

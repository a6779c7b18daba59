"""A synthetic survey of any size, deterministic by seed, for benchmarks and scale tests.

`generate(n_papers, seed)` makes papers that look like the curated ones in `data/`: a title,
bilingual one-liner, core innovation and abstract of the seed pages' lengths, 3-30 ordered authors
drawn from a shared pool with Zipf-like reuse (so people co-author), a venue among 50 (conferences,
journals and arXiv as a preprint server), one of 20 SKOS categories whose keyword the title or
one-liner carries, a unique arXiv ID no later than the publication year, a code repository for ~80%
of papers, a project page for ~30%, and 3-6 key points per language.

`write_survey(folder, n_papers, seed)` writes what a maintainer would have:

    folder/pages/README.md, folder/pages/README_zh.md   the survey pages, in the seed pages' format
    folder/data/papers/<arXiv ID>.ttl                   one file per paper, as in data/
    folder/data/people.ttl, venues.ttl, categories.ttl

Importing the pages (`survey_kg.importer.import_pages`) gives back exactly the paper triples of the
Turtle files (their source records name the pages' lines), and the Turtle passes every shape with no
warning. Only `random.Random(seed)` is used: the same (n_papers, seed) gives byte-identical files.
"""

from __future__ import annotations

import os
import random
from bisect import bisect
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

import pyoxigraph as ox

from survey_kg.files import atomic_write
from survey_kg.importer import slug
from survey_kg.paths import BASE, PREFIXES
CATEGORY, PAPER, PERSON, VENUE = (PREFIXES[p] for p in ("category", "paper", "person", "venue"))

# Bump when the output for a given (n_papers, seed) changes, so caches keyed on it are refreshed.
GENERATOR_VERSION = 2
PAGE_NAMES = {"en": "README.md", "zh": "README_zh.md"}

# ------------------------------------------------------------------ the fixed parts of a survey

# (acronym, full name, kind); arXiv is the preprint server, the rest conferences and journals.
VENUES = [
    ("arXiv", "arXiv", "PreprintServer"),
    ("CVPR", "IEEE/CVF Conference on Computer Vision and Pattern Recognition", "Conference"),
    ("ICCV", "IEEE/CVF International Conference on Computer Vision", "Conference"),
    ("ECCV", "European Conference on Computer Vision", "Conference"),
    ("NeurIPS", "Conference on Neural Information Processing Systems", "Conference"),
    ("ICLR", "International Conference on Learning Representations", "Conference"),
    ("ICML", "International Conference on Machine Learning", "Conference"),
    ("AAAI", "AAAI Conference on Artificial Intelligence", "Conference"),
    ("IJCAI", "International Joint Conference on Artificial Intelligence", "Conference"),
    ("SIGGRAPH", "ACM SIGGRAPH Conference", "Conference"),
    ("SIGGRAPH Asia", "ACM SIGGRAPH Conference and Exhibition on Computer Graphics and "
                      "Interactive Techniques in Asia", "Conference"),
    ("ACM MM", "ACM International Conference on Multimedia", "Conference"),
    ("ICME", "IEEE International Conference on Multimedia and Expo", "Conference"),
    ("WACV", "IEEE/CVF Winter Conference on Applications of Computer Vision", "Conference"),
    ("BMVC", "British Machine Vision Conference", "Conference"),
    ("ACCV", "Asian Conference on Computer Vision", "Conference"),
    ("3DV", "International Conference on 3D Vision", "Conference"),
    ("ICRA", "IEEE International Conference on Robotics and Automation", "Conference"),
    ("IROS", "IEEE/RSJ International Conference on Intelligent Robots and Systems", "Conference"),
    ("CoRL", "Conference on Robot Learning", "Conference"),
    ("RSS", "Robotics: Science and Systems", "Conference"),
    ("ACL", "Annual Meeting of the Association for Computational Linguistics", "Conference"),
    ("EMNLP", "Conference on Empirical Methods in Natural Language Processing", "Conference"),
    ("NAACL", "Annual Conference of the North American Chapter of the Association for "
              "Computational Linguistics", "Conference"),
    ("KDD", "ACM SIGKDD Conference on Knowledge Discovery and Data Mining", "Conference"),
    ("AISTATS", "International Conference on Artificial Intelligence and Statistics", "Conference"),
    ("UAI", "Conference on Uncertainty in Artificial Intelligence", "Conference"),
    ("ICASSP", "IEEE International Conference on Acoustics, Speech and Signal Processing",
     "Conference"),
    ("ICIP", "IEEE International Conference on Image Processing", "Conference"),
    ("IV", "IEEE Intelligent Vehicles Symposium", "Conference"),
    ("ITSC", "IEEE International Conference on Intelligent Transportation Systems", "Conference"),
    ("CHI", "ACM Conference on Human Factors in Computing Systems", "Conference"),
    ("Eurographics", "Annual Conference of the European Association for Computer Graphics",
     "Conference"),
    ("TPAMI", "IEEE Transactions on Pattern Analysis and Machine Intelligence", "Journal"),
    ("IJCV", "International Journal of Computer Vision", "Journal"),
    ("TIP", "IEEE Transactions on Image Processing", "Journal"),
    ("TMM", "IEEE Transactions on Multimedia", "Journal"),
    ("TCSVT", "IEEE Transactions on Circuits and Systems for Video Technology", "Journal"),
    ("TVCG", "IEEE Transactions on Visualization and Computer Graphics", "Journal"),
    ("TOG", "ACM Transactions on Graphics", "Journal"),
    ("CVIU", "Computer Vision and Image Understanding", "Journal"),
    ("JMLR", "Journal of Machine Learning Research", "Journal"),
    ("TMLR", "Transactions on Machine Learning Research", "Journal"),
    ("RA-L", "IEEE Robotics and Automation Letters", "Journal"),
    ("T-RO", "IEEE Transactions on Robotics", "Journal"),
    ("IJRR", "International Journal of Robotics Research", "Journal"),
    ("Pattern Recognition", "Pattern Recognition", "Journal"),
    ("Neural Networks", "Neural Networks", "Journal"),
    ("Nature Machine Intelligence", "Nature Machine Intelligence", "Journal"),
    ("Science Robotics", "Science Robotics", "Journal"),
]


@dataclass(frozen=True)
class Category:
    notation: str
    labels: dict  # lang -> text
    definitions: dict
    notes: dict
    keywords: dict  # lang -> [keyword]
    broader: tuple = ()  # English labels of broader categories

    @property
    def slug(self) -> str:
        # the importer names a category by its English heading; so do we
        return slug(self.labels["en"])


def _category(notation, en, zh, definition, note, keywords, broader=()):
    return Category(notation, {"en": en, "zh": zh}, dict(zip(("en", "zh"), definition)),
                    dict(zip(("en", "zh"), note)), dict(zip(("en", "zh"), keywords)), broader)


MODALITY, SPATIAL, TEMPORAL = "Modality Consistency", "Spatial Consistency", "Temporal Consistency"
PHYSICAL, INTERACTIVE = "Physical Plausibility", "Interactive Control"
CATEGORIES = [
    _category("1", MODALITY, "模态一致性",
              ("Models whose outputs stay consistent with inputs given in another modality, such "
               "as text or images.",
               "输出与另一模态（如文本或图像）的输入保持一致的模型。"),
              ("The foundation of controllable generation: what one modality asks for appears in "
               "another.",
               "可控生成的基础：一种模态提出的要求能准确体现在另一种模态中。"),
              (["multimodal", "cross-modal", "modality"], ["多模态", "跨模态", "模态"])),
    _category("2", SPATIAL, "空间一致性",
              ("Models that keep geometry and layout coherent across viewpoints.",
               "在不同视角之间保持几何与布局一致的模型。"),
              ("Needed for any world model that a camera or an agent can move through.",
               "任何可供相机或智能体穿行的世界模型都需要这一能力。"),
              (["spatial", "geometry", "3D", "viewpoint"], ["空间", "几何", "三维", "视角"])),
    _category("3", TEMPORAL, "时间一致性",
              ("Models that keep content, motion and identity coherent over time in video.",
               "在视频中保持内容、运动与身份随时间连贯的模型。"),
              ("Without it, generated or predicted video flickers, drifts and forgets.",
               "缺少这一能力，生成或预测的视频会闪烁、漂移并遗忘内容。"),
              (["temporal", "video", "motion"], ["时间", "时序", "视频", "运动"])),
    _category("4", PHYSICAL, "物理合理性",
              ("Models whose predictions obey physical laws such as gravity, collision and "
               "conservation.",
               "预测结果遵循重力、碰撞与守恒等物理规律的模型。"),
              ("Separates a world model from a video that merely looks right.",
               "这是世界模型区别于仅仅看起来逼真的视频的关键。"),
              (["physics", "physical", "dynamics"], ["物理", "动力学"])),
    _category("5", INTERACTIVE, "交互控制",
              ("Models that respond to actions, so an agent or a user can steer what happens next.",
               "能够响应动作输入、让智能体或用户操控后续发展的模型。"),
              ("Turns a generator into an environment that can be played, planned in and learned "
               "from.",
               "把生成器变成可以游玩、规划与学习的环境。"),
              (["interactive", "controllable", "action-conditioned", "agent"],
               ["交互", "可控", "动作条件", "智能体"])),
    _category("6", "Modality + Spatial Consistency", "模态 + 空间一致性",
              ("Models that turn text or images into 3D content that is coherent from every "
               "viewpoint.",
               "将文本或图像转换为从各个视角看都连贯的三维内容的模型。"),
              ("Brings the ease of text prompts to 3D asset and scene creation.",
               "让文本提示的便利延伸到三维资产与场景创作。"),
              (["text-to-3D", "image-to-3D", "3D generation"], ["文本到三维", "图像到三维", "三维生成"]),
              (MODALITY, SPATIAL)),
    _category("7", "Modality + Temporal Consistency", "模态 + 时间一致性",
              ("Models that transform textual descriptions or static images into temporally "
               "coherent, dynamic video sequences.",
               "将文本描述或静态图像转换为时间连贯的动态视频序列的模型。"),
              ("Currently the most prominent integration direction, enabling high-quality "
               "text-to-video and image-to-video generation.",
               "目前最突出的融合方向，实现高质量的文本到视频和图像到视频生成。"),
              (["video generation", "video synthesis", "text-to-video", "image-to-video",
                "video diffusion"],
               ["视频生成", "文本到视频", "图像到视频", "视频扩散"]),
              (MODALITY, TEMPORAL)),
    _category("8", "Spatial + Temporal Consistency", "空间 + 时间一致性",
              ("Models of dynamic 3D scenes that stay coherent across both viewpoints and time.",
               "在视角与时间两个维度上都保持连贯的动态三维场景模型。"),
              ("The step from static reconstruction to scenes that move.",
               "从静态重建迈向运动场景的一步。"),
              (["4D", "dynamic scene", "dynamic 3D"], ["四维", "动态场景", "动态三维"]),
              (SPATIAL, TEMPORAL)),
    _category("9", "Modality + Spatial + Temporal Consistency", "模态 + 空间 + 时间一致性",
              ("Models that turn text or images into dynamic 3D worlds, coherent in modality, "
               "space and time.",
               "将文本或图像转换为在模态、空间与时间上都连贯的动态三维世界的模型。"),
              ("The closest current work comes to a general-purpose world simulator.",
               "这是目前最接近通用世界模拟器的研究方向。"),
              (["world model", "text-to-4D", "4D generation"], ["世界模型", "文本到四维", "四维生成"]),
              (MODALITY, SPATIAL, TEMPORAL)),
    _category("10", "Text-to-Image Generation", "文本到图像生成",
              ("Models that generate images faithful to a text prompt.",
               "生成忠实于文本提示的图像的模型。"),
              ("The image backbones most video and 3D generators start from.",
               "大多数视频与三维生成器所依赖的图像基础模型。"),
              (["text-to-image", "image generation", "image synthesis"], ["文本到图像", "图像生成", "图像合成"]),
              (MODALITY,)),
    _category("11", "Vision-Language Understanding", "视觉语言理解",
              ("Models that ground language in images and videos, answering and locating what a "
               "text asks about.",
               "将语言与图像和视频对应起来、回答并定位文本所问内容的模型。"),
              ("Gives world models a way to be instructed and evaluated in words.",
               "让世界模型能够用语言来指挥与评估。"),
              (["vision-language", "visual question answering", "grounding"],
               ["视觉语言", "视觉问答", "视觉定位"]),
              (MODALITY,)),
    _category("12", "Novel View Synthesis", "新视角合成",
              ("Models that render a scene from viewpoints not seen in the input.",
               "从输入中未出现过的视角渲染场景的模型。"),
              ("A direct test of whether a model has captured the geometry of a scene.",
               "直接检验模型是否掌握了场景几何的任务。"),
              (["novel view", "radiance field", "gaussian splatting"], ["新视角", "辐射场", "高斯泼溅"]),
              (SPATIAL,)),
    _category("13", "3D Scene Reconstruction", "三维场景重建",
              ("Models that recover the geometry and appearance of a scene from images.",
               "从图像中恢复场景几何与外观的模型。"),
              ("Provides the spatial memory a world model can be conditioned on.",
               "为世界模型提供可作为条件的空间记忆。"),
              (["reconstruction", "depth estimation", "multi-view stereo"],
               ["重建", "深度估计", "多视图立体"]),
              (SPATIAL,)),
    _category("14", "Video Prediction", "视频预测",
              ("Models that predict the future frames of a video from its past.",
               "根据视频的过去帧预测未来帧的模型。"),
              ("The oldest form of learned world model: predicting what happens next.",
               "最早的学习型世界模型形式：预测接下来会发生什么。"),
              (["video prediction", "future frame", "forecasting"], ["视频预测", "未来帧", "预测"]),
              (TEMPORAL,)),
    _category("15", "Temporal Action Localization", "时序动作定位",
              ("Models that find when actions happen in a video and what they are.",
               "在视频中找出动作发生的时间段并识别其类别的模型。"),
              ("Understanding video in time, the counterpart of generating it.",
               "在时间维度上理解视频，与生成视频相辅相成。"),
              (["action localization", "action detection", "temporal action"],
               ["动作定位", "动作检测", "时序动作"]),
              (TEMPORAL,)),
    _category("16", "Learned Physics Simulation", "学习型物理仿真",
              ("Models that learn to simulate rigid bodies, fluids and cloth from data.",
               "从数据中学习模拟刚体、流体与布料的模型。"),
              ("Fast approximate physics that can be differentiated and composed.",
               "可微、可组合的快速近似物理。"),
              (["simulation", "simulator", "particle"], ["仿真", "模拟器", "粒子"]),
              (PHYSICAL,)),
    _category("17", "Embodied Agents", "具身智能体",
              ("Models that act in a physical or simulated body, planning with a learned model "
               "of the world.",
               "在物理或仿真身体中行动、借助学习到的世界模型进行规划的模型。"),
              ("Where world models pay off: robots that imagine before they act.",
               "世界模型的用武之地：先想象、后行动的机器人。"),
              (["embodied", "robot", "manipulation"], ["具身", "机器人", "操作"]),
              (INTERACTIVE,)),
    _category("18", "Driving World Models", "驾驶世界模型",
              ("Models that generate and predict driving scenes conditioned on the ego vehicle's "
               "actions.",
               "以自车动作为条件生成并预测驾驶场景的模型。"),
              ("Simulates rare and dangerous traffic situations for training and testing.",
               "为训练与测试模拟罕见且危险的交通情形。"),
              (["driving", "autonomous driving", "traffic"], ["驾驶", "自动驾驶", "交通"]),
              (INTERACTIVE, "Spatial + Temporal Consistency")),
    _category("19", "Game World Models", "游戏世界模型",
              ("Models that generate playable game worlds that react to player input frame by "
               "frame.",
               "逐帧响应玩家输入、生成可玩游戏世界的模型。"),
              ("A neural game engine is a world model a person can try out.",
               "神经游戏引擎是人人都能亲手体验的世界模型。"),
              (["game", "playable", "game engine"], ["游戏", "可玩", "游戏引擎"]),
              (INTERACTIVE,)),
    _category("20", "Long Video Generation", "长视频生成",
              ("Models that generate minute-long videos without drifting or repeating.",
               "生成分钟级长视频而不漂移、不重复的模型。"),
              ("Long horizons expose every weakness in temporal consistency.",
               "长时程会暴露时间一致性上的所有弱点。"),
              (["long video", "minute-long", "long-horizon"], ["长视频", "分钟级", "长时程"]),
              ("Modality + Temporal Consistency",)),
]
SCHEME = {"labels": {"en": "World-model capabilities", "zh": "世界模型能力"},
          "definitions": {
              "en": "The capabilities a survey of world-model evolution groups papers by.",
              "zh": "世界模型演进综述用来归类论文的能力。"}}

# ------------------------------------------------------------------ vocabulary for the texts
# English lists hold no Chinese character and Chinese lists all hold some, so every literal is
# written in the language of its tag (rule skg:LanguageScriptShape).

GIVEN = """Aaron Abhinav Adam Aditi Ahmed Aiko Alex Alexei Alice Amir Ana Andrea Andreas Anika Anton
Arjun Ayumi Bao Beatriz Ben Bin Bo Boris Carlos Carmen Chao Chen Chloe Chris Dahua Daniel Daria
David Deqing Dmitri Elena Emma Erik Fang Fatima Felix Feng Gabriel Gang Gao Hana Hao Hassan Hila
Hiroshi Hong Hui Ian Igor Ines Irfan Ivan Jae Jan Jia Jian Jiaming Jie Jin Jing Joao Jonas Jose Jun
Junhwa Kai Karim Katarina Kenji Kevin Kihyuk Kim Lars Lei Li Lin Ling Lucas Lukas Maria Marco Mei
Meng Michael Min Ming Ming-Hsuan Mohammed Nadia Naveen Nikhil Nina Noah Olga Omar Omer Pablo Pavel
Peng Priya Qi Qiang Rahul Ravi Robin Rui Sara Sergey Shan Shiran Sofia Song Stefan Sumith Takumi
Tao Tali Tian Tim Tomer Vikram Wei Wen Xi Xiang Xiao Xin Yan Yang Yao Yi Yifan Ying Yong Yu Yuan
Yuki Yuwei Zhe Zhen Zheng Zhi Zoe""".split()
SURNAMES = """Abe Adams Agrawal Ahmadi Alvarez Andersen Bai Bar-Tal Becker Bianchi Blattmann Cai Cao
Chang Chen Cheng Chiu Costa Cui Dai Das Dekel Deng Ding Dong Du Eriksson Fan Feng Fischer Fu Gao
Garcia Ge Gong Gu Guo Gupta Han Hartmann He Hoffmann Hou Hu Huang Ito Iyer Jain Jiang Jin Kang Kato
Khan Kim Kobayashi Kowalski Kumar Lai Lambert Lee Lewis Li Liang Lin Liu Long Lopez Lu Luo Ma Mao
Martin Meng Mehta Meyer Michaeli Moreau Mori Muller Nakamura Nguyen Ni Nowak Ortiz Pan Park Patel
Peng Petrov Qian Qiao Qin Rao Reddy Ren Rossi Russo Sato Schmidt Shen Shi Singh Smirnov Song Su Sun
Suzuki Tan Tang Tanaka Tao Tian Tov Wagner Wan Wang Watanabe Weber Wei Wen Wu Xia Xie Xiong Xu Xue
Yamamoto Yan Yang Yao Ye Yin Yu Yuan Zeng Zhang Zhao Zheng Zhong Zhou Zhu Zou""".split()
INITIALS = "ABCDEFGHJKLMNPRSTVWXYZ"
LABS = """google-research facebookresearch microsoft nvlabs openai stability-ai tencent alibaba
bytedance baidu sensetime shanghai-ai-lab thu-ml pku-vilab mit-han-lab stanford-vision
berkeley-ai cmu-rl oxford-vgg eth-cvg mpi-inf kaist-vi snu-vision nus-show hku-mmlab""".split()

NAME_HEADS = """Lumi Vid Tempo Dyna Omni Neo Flux Morph Chrono Astra Nova Gen Cine Pano Geo Phys Ego
Holo Meta Uni Magic Stream Motion Scene World Dream Sim Aero Echo Vista Pixel Frame Drive Robo Game
Story Play Space Time Light Deep Fast Hyper Ultra Open Mega""".split()
NAME_TAILS = """Diff Former GAN Net Fusion Gen Craft Verse Flow Dreamer Mind Sim Vista Poet Field
Cast Pilot Weaver Painter Sketch Lens Scope Forge Maker Crafter Shaper Mixer Tron Zero""".split()
NAME_VARIANTS = ["", "", "", "", "-XL", "-2", "++", "-3D", "-Lite", "-Pro", "-V", "-Turbo"]

TITLE_TEMPLATES = [
    "{Adj} {Model}s for {Task}",
    "{Task} with {Tech}",
    "Towards {Adj} {Task} via {Tech}",
    "{Adj} {Task} from {Data}",
    "Scaling {Model}s for {Task}",
    "Learning {Goal} for {Task}",
    "{Tech} for {Adj} {Task}",
]
TITLE_SMALL_WORDS = {"a", "an", "and", "for", "from", "in", "into", "of", "on", "the", "to", "via",
                     "with", "across", "over"}
ADJ = ["scalable", "efficient", "unified", "lightweight", "controllable", "hierarchical",
       "training-free", "zero-shot", "high-fidelity", "physically grounded", "autoregressive",
       "latent", "compositional", "robust", "real-time", "generalizable", "self-supervised",
       "memory-efficient", "multi-scale", "sparse", "causal", "open-vocabulary"]
MODEL = ["diffusion model", "transformer", "latent diffusion framework", "autoregressive model",
         "world model", "video generator", "neural renderer", "state-space model",
         "mixture-of-experts model", "flow-matching model", "token-based generator",
         "encoder-decoder network"]
TECH = ["space-time attention", "a causal video tokenizer", "cross-frame attention",
        "a motion prior",
        "temporal layers inserted into a pretrained image model", "a 3D-aware latent space",
        "flow matching", "masked token modeling", "a learned camera embedding",
        "hierarchical latent diffusion", "a physics-informed loss", "a memory bank of past frames",
        "sparse voxel features", "a frozen language model", "reward-weighted fine-tuning",
        "classifier-free guidance", "a cascaded super-resolution stage",
        "a discrete action codebook",
        "optical-flow guidance", "rectified flow", "a scene graph planner", "depth-aware warping"]
GOAL = ["temporal coherence", "long-range consistency", "identity preservation",
        "faithful prompt alignment", "consistent geometry across views", "accurate motion",
        "physically plausible dynamics", "fine-grained controllability", "stable long rollouts",
        "sharp high-resolution detail", "smooth camera trajectories", "object permanence"]
VERB = ["generates", "predicts", "synthesizes", "reconstructs", "models", "renders", "edits",
        "simulates", "forecasts", "animates"]
OBJ = ["realistic videos", "coherent 3D scenes", "future frames", "dynamic scenes",
       "interactive environments", "multi-view images", "long video clips", "agent trajectories",
       "driving scenarios", "playable game worlds", "articulated objects", "human motion"]
DATA = ["large-scale web videos", "curated video-text pairs", "synthetic physics scenes",
        "multi-view captures", "driving logs", "game recordings", "robot demonstrations",
        "image-text pairs", "egocentric videos", "monocular videos"]
BENCH = ["UCF-101", "MSR-VTT", "Kinetics-600", "WebVid-10M", "RealEstate10K", "nuScenes",
         "Something-Something V2", "CO3D", "Objaverse", "DL3DV", "THUMOS14", "ActivityNet",
         "VBench", "Waymo Open", "Minecraft", "CLEVRER"]
METRIC = ["FVD", "FID", "CLIP score", "PSNR", "LPIPS", "mAP", "success rate", "human preference"]
APP = ["image-to-video generation", "video editing", "camera control", "video inpainting",
       "stylized generation", "long-horizon planning", "policy learning", "scene editing",
       "motion transfer", "frame interpolation"]
OLD = ["multi-stage key-frame cascades", "per-scene optimization", "pixel-space diffusion",
       "frame-by-frame generation", "hand-crafted physics engines",
       "separate spatial and temporal models"]
PROBLEM = ["keeping content consistent over time remains difficult",
           "generated motion is often implausible",
           "compute grows quickly with resolution and length",
           "control signals are hard to follow faithfully", "errors accumulate over long rollouts",
           "geometry drifts when the camera moves"]

ZH_ADJ = ["可扩展的", "高效的", "统一的", "轻量级的", "可控的", "分层的", "免训练的", "零样本的",
          "高保真的", "物理可信的", "自回归的", "潜空间", "组合式的", "鲁棒的", "实时的", "可泛化的",
          "自监督的", "低显存的", "多尺度的", "稀疏的", "因果的", "开放词汇的"]
ZH_MODEL = ["扩散模型", "Transformer 模型", "潜空间扩散框架", "自回归模型", "世界模型", "视频生成器",
            "神经渲染器", "状态空间模型", "混合专家模型", "流匹配模型", "离散词元生成器", "编码器-解码器网络"]
ZH_TECH = ["时空注意力", "因果视频分词器", "跨帧注意力", "运动先验", "插入预训练图像模型的时间层",
           "三维感知潜空间", "流匹配", "掩码词元建模", "可学习的相机嵌入", "分层潜空间扩散", "物理约束损失",
           "历史帧记忆库", "稀疏体素特征", "冻结的大语言模型", "奖励加权微调", "无分类器引导",
           "级联超分辨率模块", "离散动作码本", "光流引导", "整流流", "场景图规划器", "深度感知变形"]
ZH_GOAL = ["时间连贯性", "长程一致性", "身份保持", "提示词对齐", "跨视角几何一致性", "运动准确性",
           "物理合理的动态", "细粒度可控性", "稳定的长时推演", "高分辨率细节", "平滑的相机轨迹", "物体恒常性"]
ZH_OBJ = ["逼真的视频", "连贯的三维场景", "未来帧", "动态场景", "可交互环境", "多视角图像", "长视频片段",
          "智能体轨迹", "驾驶场景", "可玩的游戏世界", "铰接物体", "人体运动"]
ZH_DATA = ["大规模网络视频", "精选视频文本对", "合成物理场景", "多视角采集数据", "驾驶日志", "游戏录像",
           "机器人示教数据", "图文对", "第一人称视频", "单目视频"]
ZH_APP = ["图像到视频生成", "视频编辑", "相机控制", "视频修补", "风格化生成", "长时程规划", "策略学习",
          "场景编辑", "动作迁移", "插帧"]
ZH_OLD = ["多阶段关键帧级联", "逐场景优化", "像素空间扩散", "逐帧生成", "手工物理引擎", "分离的空间与时间模型"]
ZH_PROBLEM = ["内容难以随时间保持一致", "生成的运动常常不合理", "计算量随分辨率与时长迅速增长",
              "控制信号难以被忠实遵循", "长时推演中误差不断累积", "相机移动时几何发生漂移"]

# Sentence templates; fields in braces are filled from the lists above ({M} is the method's name,
# {kw} a keyword of the paper's category).
EN_ONELINER = [
    "A {adj} {model} that {verb} {obj} for {kw} with {goal}.",
    "{M} {verb} {obj} for {kw} using {tech}, improving {goal} over {old}.",
    "A {adj} approach to {kw} that relies on {tech} to keep {goal} while it {verb} {obj}.",
]
EN_ONELINER_TAIL = ["It is trained on {data} and evaluated on {bench}.",
                    "It supports {app} without extra tuning.",
                    "It improves {metric} on {bench} over strong baselines."]
EN_CORE = [
    "Proposes {tech} that {verb} {obj} in a single pass, replacing {old} and thereby improving "
    "{goal}.",
    "Introduces {M}, which combines {tech} with {tech2} so that one {model} handles both {goal} "
    "and {goal2}.",
    "Reformulates {kw} as learning in {tech}, which keeps {goal} without {old}.",
    "Shows that {tech} is enough to obtain {goal} when the {model} is trained on {data}.",
    "Adds {tech2} on top of the backbone, so that {app} becomes possible at inference time.",
]
EN_ABSTRACT = [
    "Recent advances in {kw} have made it possible to produce {obj}, yet {problem}.",
    "Existing methods rely on {old}, which limits {goal}.",
    "We present {M}, a {adj} {model} that {verb} {obj} with {goal}.",
    "The key idea is to use {tech}, so that {goal} is maintained across the whole sequence.",
    "We further introduce {tech2} to improve {goal2} at a modest cost.",
    "{M} is trained on {data} and evaluated on {bench} and {bench2}.",
    "Experiments show that {M} improves {metric} by {num} percent over strong baselines.",
    "We also show that {M} supports {app}, {app2} and {app3}.",
    "Ablation studies confirm that each component contributes to {goal}.",
    "Compared with {old}, our design is simpler and scales to longer and larger outputs.",
    "A user study shows a clear preference for {M} in {goal2}.",
    "Unlike prior work, {M} does not require {old} at test time.",
    "To this end, we design {tech2} and train it jointly with the {model} end to end.",
    "We analyze the failure modes of current approaches and find that {problem}.",
    "On {bench}, {M} reaches state-of-the-art {metric} while using fewer sampling steps.",
    "Qualitative results demonstrate {goal} even for {obj} with complex layouts.",
    "Our findings suggest that {tech} is a simple and general recipe for {kw}.",
]
EN_KEY_POINT = [
    "Introduces {tech} for {goal}.",
    "Uses {tech} to model {obj} with {goal2}.",
    "Trains a {adj} {model} on {data}.",
    "Outperforms prior work on {bench} in {metric}.",
    "Supports {app} and {app2} without extra tuning.",
    "Replaces {old} with a single {adj} {model}.",
    "Shows that {goal} improves when {tech2} is added.",
]
ZH_ONELINER = [
    "一种{adj}{model}，借助{tech}实现{kw}，并保持{goal}",
    "{M}利用{tech}生成{obj}，面向{kw}提升{goal}",
    "面向{kw}的{adj}方法，以{tech}取代{old}，兼顾{goal}",
]
ZH_CORE = [
    "提出{tech}，在单次前向中生成{obj}，取代{old}，从而提升{goal}。",
    "将{tech}与{tech2}结合，使同一{model}同时兼顾{goal}与{goal2}。",
    "把{kw}重新表述为在{tech}中的学习问题，无需{old}即可保持{goal}。",
    "在{data}上训练{M}，证明仅靠{tech}即可获得{goal}。",
]
ZH_ABSTRACT = [
    "近年来{kw}取得了长足进展，但{problem}。",
    "现有方法依赖{old}，限制了{goal}。",
    "我们提出{M}，一种{adj}{model}，能够生成{obj}并保持{goal}。",
    "其核心思想是利用{tech}，使整个序列保持{goal}。",
    "我们进一步引入{tech2}，以较小代价提升{goal2}。",
    "{M}在{data}上训练，并在{bench}与{bench2}上评测。",
    "实验表明，{M}在{metric}指标上较强基线提升{num}%。",
    "此外，{M}还支持{app}、{app2}与{app3}等应用。",
    "消融实验证实每个组件都有助于{goal}。",
    "与以往工作不同，{M}在推理时无需{old}。",
    "为此，我们设计了{tech2}，并与{model}端到端联合训练。",
    "我们分析了现有方法的失败原因，发现{problem}。",
    "在{bench}上，{M}以更少的采样步数取得了领先的{metric}。",
    "定性结果表明，即使面对布局复杂的{obj}，模型也能保持{goal}。",
    "我们的发现表明，{tech}是实现{kw}的一种简单而通用的方案。",
]
ZH_KEY_POINT = [
    "引入{tech}，提升{goal}。",
    "利用{tech}建模{obj}，兼顾{goal2}。",
    "在{data}上训练{adj}{model}。",
    "在{bench}上的{metric}优于已有方法。",
    "无需额外微调即可支持{app}与{app2}。",
    "以单一{adj}{model}取代{old}。",
    "加入{tech2}后{goal}明显改善。",
]

# Lengths in characters, from the curated papers (English and Chinese texts differ a lot).
LENGTHS = {
    ("oneLiner", "en"): (100, 400), ("oneLiner", "zh"): (28, 90),
    ("coreInnovation", "en"): (250, 450), ("coreInnovation", "zh"): (80, 160),
    ("abstract", "en"): (800, 1600), ("abstract", "zh"): (190, 530),
    ("keyPoint", "en"): (50, 200), ("keyPoint", "zh"): (18, 90),
}


# ------------------------------------------------------------------ the survey as plain values

@dataclass
class Paper:
    arxiv: str
    title: str
    authors: list[str]
    venue: str  # acronym
    year: int
    category: Category
    texts: dict  # (field, lang) -> text; field in oneLiner, coreInnovation, abstract
    key_points: dict  # lang -> [text]
    code: str | None
    project: str | None
    lines: dict = field(default_factory=dict)  # page language -> line of its <details>

    @property
    def links(self) -> list[tuple[str, str]]:
        links = [("Paper", f"https://arxiv.org/abs/{self.arxiv}"),
                 ("PDF", f"https://arxiv.org/pdf/{self.arxiv}.pdf")]
        if self.code:
            links.append(("Code", self.code))
        if self.project:
            links.append(("Project Page", self.project))
        return links


@dataclass
class SynthSurvey:
    n_papers: int
    seed: int
    papers: list[Paper]
    categories: list[Category]
    venues: list[tuple[str, str, str]]

    def people(self) -> list[str]:
        """Every author once, in order of first appearance."""
        return list(dict.fromkeys(name for paper in self.papers for name in paper.authors))

    def pages(self) -> dict[str, str]:
        """The survey pages, {file name: markdown}; also records each entry's line on its paper."""
        return {PAGE_NAMES[lang]: _page(self, lang) for lang in ("en", "zh")}

    def data_files(self):
        """(path under data/, Turtle bytes) for every data file. Call pages() first: the papers'
        source records name the pages' lines."""
        if self.papers and not self.papers[0].lines:
            self.pages()
        note = f"# Synthetic survey (survey_kg.synth, {self.n_papers} papers, seed {self.seed}): "
        yield "categories.ttl", _serialize(_category_triples(self.categories), "categories",
                                           note + "the capability scheme.\n")
        yield "venues.ttl", _serialize(_venue_triples(self.venues), "venues",
                                       note + "known venues.\n")
        yield "dataset.ttl", _serialize(_dataset_triples(self), "dataset",
                                        note + "the dataset description.\n")
        yield "people.ttl", _serialize(_people_triples(self.people()), "people",
                                       note + "authors.\n")
        for paper in self.papers:
            yield f"papers/{paper.arxiv}.ttl", _serialize(_paper_triples(paper), "paper")


def generate(n_papers: int, seed: int) -> SynthSurvey:
    """A synthetic survey of `n_papers` papers; the same arguments give the same survey."""
    if n_papers < 0:
        raise ValueError("n_papers must be 0 or more")
    draw = _Draw(random.Random(seed), n_papers)
    papers = [draw.paper() for _ in range(n_papers)]
    return SynthSurvey(n_papers, seed, papers, list(CATEGORIES), list(VENUES))


def write_survey(folder: Path | str, n_papers: int, seed: int) -> SynthSurvey:
    """Write a synthetic survey: folder/pages/README.md and README_zh.md, and folder/data/ laid out
    like this repository's data/ (one Turtle file per paper). Returns the survey written."""
    folder = Path(folder)
    survey = generate(n_papers, seed)
    for name, text in survey.pages().items():
        atomic_write(folder / "pages" / name, text)
    made: set[Path] = set()
    for name, content in survey.data_files():
        _write(folder / "data" / name, content, made)
    return survey


def _write(path: Path, content: bytes, made: set[Path]) -> None:
    """Write a data file whole (a temporary file renamed over it). Not `files.atomic_write`: its
    clean-up of dead writers' files lists the folder at each write, and 100,000 papers in one
    folder made that quadratic (the last 30,000 files took hours)."""
    if path.parent not in made:
        path.parent.mkdir(parents=True, exist_ok=True)
        made.add(path.parent)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(content)
    os.replace(tmp, path)


# ------------------------------------------------------------------ drawing values

class _Draw:
    """Draws papers one after another from one random generator (so the order of draws, and
    with it the survey, is fixed by the seed)."""

    def __init__(self, rng: random.Random, n_papers: int):
        self.rng = rng
        self.pool = _people_pool(rng, max(60, round(1.5 * n_papers)))
        # Zipf-like: a few prolific authors, most on one to three papers
        self.author_weights = list(accumulate(1 / (rank + 50) ** 0.8
                                              for rank in range(len(self.pool))))
        # arXiv for ~35% of papers, the other venues Zipf-like in list order
        others = [1 / (rank + 2) for rank in range(len(VENUES) - 1)]
        self.venue_weights = list(accumulate([sum(others) * 35 / 65] + others))
        self.category_weights = list(accumulate(1 + (i * 7) % 5 for i in range(len(CATEGORIES))))
        self.ids, self.names, self.seen = set(), set(), set()

    def paper(self) -> Paper:
        rng = self.rng
        category = CATEGORIES[_pick(rng, self.category_weights)]
        venue = VENUES[_pick(rng, self.venue_weights)]
        arxiv = _arxiv_id(rng, self.ids)
        arxiv_year = 2000 + int(arxiv[:2])
        year = arxiv_year if venue[2] == "PreprintServer" else min(
            2025, arxiv_year + rng.choices((0, 1, 2), (60, 35, 5))[0])
        method = _method_name(rng, self.names)
        authors = _authors(rng, self.pool, self.author_weights)
        words = _Words(rng, method, category)
        code = project = None
        if rng.random() < 0.8:
            owner = rng.choice(LABS) if rng.random() < 0.4 else slug(authors[0]).replace("-", "")
            code = f"https://github.com/{owner}/{slug(method)}"
        if rng.random() < 0.3:
            project = f"https://{slug(method)}-project.github.io/"
        return Paper(
            arxiv=arxiv, title=f"{method}: {words.title()}", authors=authors, venue=venue[0],
            year=year, category=category,
            texts={(name, lang): words.unique_text(name, lang, self.seen)
                   for name in ("oneLiner", "coreInnovation", "abstract") for lang in ("en", "zh")},
            key_points={lang: [words.unique_text("keyPoint", lang, self.seen)
                               for _ in range(rng.randint(3, 6))] for lang in ("en", "zh")},
            code=code, project=project)


def _pick(rng: random.Random, cumulative: list[float]) -> int:
    return bisect(cumulative, rng.random() * cumulative[-1])


def _people_pool(rng: random.Random, size: int) -> list[str]:
    """`size` distinct names (distinct also as person IRIs), in random order: rank = popularity."""
    pool, slugs = [], set()
    while len(pool) < size:
        name = f"{rng.choice(GIVEN)} {rng.choice(SURNAMES)}"
        if slug(name) in slugs:
            name = f"{name.split()[0]} {rng.choice(INITIALS)}. {name.split()[1]}"
        if slug(name) in slugs:
            continue
        slugs.add(slug(name))
        pool.append(name)
    return pool


def _authors(rng: random.Random, pool: list[str], weights: list[float]) -> list[str]:
    count = 3 + min(27, int(rng.expovariate(1 / 4.5)))
    chosen: dict[int, None] = {}
    while len(chosen) < count:
        chosen.setdefault(_pick(rng, weights), None)
    return [pool[i] for i in chosen]


def _arxiv_id(rng: random.Random, taken: set) -> str:
    """A new arXiv ID YYMM.NNNNN, more of them in recent years as in the field."""
    while True:
        yy = rng.choices(range(15, 26), weights=range(1, 12))[0]
        arxiv = f"{yy:02d}{rng.randint(1, 12):02d}.{rng.randint(1, 29999):05d}"
        if arxiv not in taken:
            taken.add(arxiv)
            return arxiv


def _method_name(rng: random.Random, taken: set) -> str:
    name = rng.choice(NAME_HEADS) + rng.choice(NAME_TAILS) + rng.choice(NAME_VARIANTS)
    base, n = name, 1
    while name in taken:
        n += 1
        name = f"{base}-{n}"
    taken.add(name)
    return name


class _Words:
    """Fills the templates for one paper."""

    def __init__(self, rng: random.Random, method: str, category: Category):
        self.rng = rng
        self.method = method
        self.category = category

    def fill(self, template: str, lang: str) -> str:
        rng, zh = self.rng, lang == "zh"
        pick = rng.choice
        techs = rng.sample(ZH_TECH if zh else TECH, 2)
        goals = rng.sample(ZH_GOAL if zh else GOAL, 2)
        apps = rng.sample(ZH_APP if zh else APP, 3)
        benches = rng.sample(BENCH, 2)
        values = {
            "M": self.method, "kw": pick(self.category.keywords[lang]),
            "adj": pick(ZH_ADJ if zh else ADJ), "model": pick(ZH_MODEL if zh else MODEL),
            "tech": techs[0], "tech2": techs[1], "goal": goals[0], "goal2": goals[1],
            "verb": pick(VERB), "obj": pick(ZH_OBJ if zh else OBJ),
            "data": pick(ZH_DATA if zh else DATA),
            "bench": benches[0], "bench2": benches[1], "metric": pick(METRIC),
            "app": apps[0], "app2": apps[1], "app3": apps[2], "old": pick(ZH_OLD if zh else OLD),
            "problem": pick(ZH_PROBLEM if zh else PROBLEM), "num": rng.randint(3, 48),
        }
        text = template.format(**values)
        return text[0].upper() + text[1:]

    def title(self) -> str:
        rng = self.rng
        task = rng.choice(self.category.keywords["en"]) if rng.random() < 0.6 else rng.choice(OBJ)
        words = {"Adj": rng.choice(ADJ), "Model": rng.choice(MODEL), "Task": task,
                 "Tech": rng.choice(TECH).removeprefix("a "), "Data": rng.choice(DATA),
                 "Goal": rng.choice(GOAL)}
        text = rng.choice(TITLE_TEMPLATES).format(**words)
        return " ".join(w if w[0].isupper() or w in TITLE_SMALL_WORDS else w[0].upper() + w[1:]
                        for w in text.split())

    def text(self, name: str, lang: str) -> str:
        """A text of the field's length: sentences from the field's templates until long enough."""
        low, high = LENGTHS[(name, lang)]
        target = self.rng.randint(low, high)
        zh = lang == "zh"
        if name == "oneLiner":
            first = self.fill(self.rng.choice(ZH_ONELINER if zh else EN_ONELINER), lang)
            rest = [] if zh else EN_ONELINER_TAIL
            sentences = [first] + [self.fill(t, lang) for t in self.rng.sample(rest, len(rest))]
        elif name == "keyPoint":  # one sentence, two when the first is short
            templates = ZH_KEY_POINT if zh else EN_KEY_POINT
            sentences = [self.fill(t, lang) for t in self.rng.sample(templates, 2)]
        else:
            templates = {("coreInnovation", False): EN_CORE, ("coreInnovation", True): ZH_CORE,
                         ("abstract", False): EN_ABSTRACT,
                         ("abstract", True): ZH_ABSTRACT}[(name, zh)]
            # an abstract opens with the context and the method, then adds findings in any order
            head = templates[:3] if name == "abstract" else []
            tail = [t for t in templates if t not in head]
            sentences = [self.fill(t, lang) for t in head + self.rng.sample(tail, len(tail))]
        text = sentences[0]
        for sentence in sentences[1:]:
            if len(text) >= target:
                break
            joined = text + ("" if zh else " ") + sentence
            if len(joined) > high:
                break
            text = joined
        return text

    def unique_text(self, name: str, lang: str, seen: set) -> str:
        """A text no other paper has (rule skg:CopiedTextShape flags long texts found twice)."""
        for _ in range(20):
            text = self.text(name, lang)
            if len(text) < 40:
                return text  # short texts may be equal by chance; the rule ignores them
            if (text, lang) not in seen:
                break
        else:
            text = f"{self.method}: {text}"
        seen.add((text, lang))
        return text


# ------------------------------------------------------------------ the pages

PAGE_HEAD = ['<p align="center">',
             '  <a href="README.md">English</a> | <a href="README_zh.md">中文</a>', "</p>", ""]
PAGE_WORDS = {
    "en": {"profile": "**Capability Profile**: ", "significance": "**Significance**: ",
           "works": "#### Representative Works", "core": "> **Core Innovation**"},
    "zh": {"profile": "**能力特征**：", "significance": "**意义**：", "works": "#### 代表性工作",
           "core": "> **核心创新**"},
}


def _page(survey: SynthSurvey, lang: str) -> str:
    """One page in the seed pages' format: a section per category, a <details> entry per paper."""
    words = PAGE_WORDS[lang]
    by_category: dict[str, list[Paper]] = {c.slug: [] for c in survey.categories}
    for paper in survey.papers:
        by_category[paper.category.slug].append(paper)
    lines = list(PAGE_HEAD)
    for category in survey.categories:
        lines += [f"### {category.labels[lang]}", "",
                  words["profile"] + category.definitions[lang], "",
                  words["significance"] + category.notes[lang], "", words["works"], ""]
        for paper in by_category[category.slug]:
            paper.lines[lang] = len(lines) + 1
            lines += _entry(paper, lang, words)
    return "\n".join(lines) + "\n"


def _entry(paper: Paper, lang: str, words: dict) -> list[str]:
    links = " | ".join(f"[[{label}]]({url})" for label, url in paper.links)
    venue = f"{paper.venue} {paper.year}"
    return [
        "<details>", f"<summary><b>{paper.title}</b></summary>", "",
        f"* **Authors:** {', '.join(paper.authors)}",
        f"* **arXiv ID:** {paper.arxiv}",
        f"* **One-liner:** {paper.texts['oneLiner', lang]}",
        f"* **Published in:** {venue}",
        f"* **Links:** {links}", "",
        words["core"], f"> {paper.texts['coreInnovation', lang]}", "",
        "<details>", "    <summary>Abstract</summary>", f"    {paper.texts['abstract', lang]}",
        "</details>", "",
        "<details>", "    <summary>Key points</summary>",
        *(f"    * {point}" for point in paper.key_points[lang]),
        "</details>", "</details>", "", "---", "",
    ]


# ------------------------------------------------------------------ the Turtle

def _iri(namespace, local: str = "") -> ox.NamedNode:
    return ox.NamedNode(str(namespace) + local)


NS = {name: str(ns) for name, ns in PREFIXES.items()}
RDF_TYPE = _iri(NS["rdf"], "type")
XSD_INTEGER = _iri(NS["xsd"], "integer")
XSD_GYEAR = _iri(NS["xsd"], "gYear")


def _p(curie: str) -> ox.NamedNode:
    prefix, local = curie.split(":")
    return ox.NamedNode(NS[prefix] + local)


def _text(value: str, lang: str) -> ox.Literal:
    return ox.Literal(value, language=lang)


def _position(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=XSD_INTEGER)


FILE_PREFIXES = {
    "categories": ("skos", "skg", "category"),
    "venues": ("skg", "schema", "venue"),
    "people": ("foaf", "person"),
    "paper": ("dcterms", "schema", "skg", "prov", "xsd", "paper", "person", "venue", "category"),
    "dataset": ("dcterms", "dcat", "void", "foaf", "xsd", "dataset"),
}


def _serialize(triples, kind: str, header: str = "") -> bytes:
    """Turtle by Oxigraph's serializer: it writes triples in the order given, so the bytes are
    fixed by that order."""
    body = ox.serialize((ox.Triple(*t) for t in triples), format=ox.RdfFormat.TURTLE,
                        prefixes={name: NS[name] for name in FILE_PREFIXES[kind]})
    return header.encode("utf-8") + body


def _category_triples(categories: list[Category]):
    scheme = _iri(CATEGORY, "scheme")
    yield scheme, RDF_TYPE, _p("skos:ConceptScheme")
    for lang in ("en", "zh"):
        yield scheme, _p("skos:prefLabel"), _text(SCHEME["labels"][lang], lang)
    for lang in ("en", "zh"):
        yield scheme, _p("skos:definition"), _text(SCHEME["definitions"][lang], lang)
    for category in categories:
        if not category.broader:
            yield scheme, _p("skos:hasTopConcept"), _iri(CATEGORY, category.slug)
    for category in categories:
        iri = _iri(CATEGORY, category.slug)
        yield iri, RDF_TYPE, _p("skos:Concept")
        yield iri, _p("skos:inScheme"), scheme
        yield iri, _p("skos:notation"), ox.Literal(category.notation)
        for broader in category.broader:
            yield iri, _p("skos:broader"), _iri(CATEGORY, slug(broader))
        for prop, values in (("skos:prefLabel", category.labels),
                             ("skos:definition", category.definitions),
                             ("skos:scopeNote", category.notes)):
            for lang in ("en", "zh"):
                yield iri, _p(prop), _text(values[lang], lang)
        for lang in ("en", "zh"):
            for keyword in category.keywords[lang]:
                yield iri, _p("skg:keyword"), _text(keyword, lang)


def _dataset_triples(survey: SynthSurvey):
    """A dataset description like data/dataset.ttl's, so export and build have one to describe."""
    iri = _iri(NS["dataset"], f"synthetic-{survey.n_papers}-{survey.seed}")
    maintainer = ox.NamedNode("https://example.org/synthetic-survey-maintainers")
    title = {"en": f"Synthetic survey of {survey.n_papers} papers (seed {survey.seed})",
             "zh": f"合成综述：{survey.n_papers} 篇论文（种子 {survey.seed}）"}
    description = {"en": "Papers generated by survey_kg.synth for benchmarks: not real papers.",
                   "zh": "由 survey_kg.synth 为基准测试生成的论文，并非真实论文。"}
    yield iri, RDF_TYPE, _p("void:Dataset")
    yield iri, RDF_TYPE, _p("dcat:Dataset")
    for lang in ("en", "zh"):
        yield iri, _p("dcterms:title"), _text(title[lang], lang)
    for lang in ("en", "zh"):
        yield iri, _p("dcterms:description"), _text(description[lang], lang)
    yield iri, _p("dcterms:license"), ox.NamedNode("http://spdx.org/licenses/MIT")
    yield iri, _p("dcterms:creator"), maintainer
    yield iri, _p("dcterms:source"), ox.NamedNode("https://example.org/synthetic-survey")
    for prop in ("dcterms:issued", "dcterms:modified"):
        yield iri, _p(prop), ox.Literal("2025-01-01", datatype=_iri(NS["xsd"], "date"))
    yield iri, _p("void:uriSpace"), ox.Literal(BASE)
    yield maintainer, RDF_TYPE, _p("foaf:Organization")
    yield maintainer, _p("foaf:name"), ox.Literal("synthetic survey maintainers")


def _venue_triples(venues):
    for acronym, name, kind in venues:
        iri = _iri(VENUE, slug(acronym))
        yield iri, RDF_TYPE, _p("skg:Venue")
        yield iri, _p("skg:acronym"), ox.Literal(acronym)
        yield iri, _p("schema:name"), _text(name, "en")
        yield iri, _p("skg:venueKind"), _p("skg:" + kind)


def _people_triples(people: list[str]):
    for name in sorted(people, key=slug):
        iri = _iri(PERSON, slug(name))
        yield iri, RDF_TYPE, _p("foaf:Person")
        yield iri, _p("foaf:name"), ox.Literal(name)


def _paper_triples(paper: Paper):
    """The triples the importer makes for an entry read from both pages (and nothing else)."""
    arxiv = paper.arxiv
    iri = _iri(PAPER, arxiv)
    yield iri, RDF_TYPE, _p("schema:ScholarlyArticle")
    yield iri, _p("dcterms:title"), _text(paper.title, "en")
    yield iri, _p("skg:arxivId"), ox.Literal(arxiv)
    yield iri, _p("schema:sameAs"), ox.NamedNode(f"https://arxiv.org/abs/{arxiv}")
    yield iri, _p("dcterms:issued"), ox.Literal(str(paper.year), datatype=XSD_GYEAR)
    yield iri, _p("skg:venue"), _iri(VENUE, slug(paper.venue))
    yield iri, _p("dcterms:subject"), _iri(CATEGORY, paper.category.slug)
    for (name, lang), text in paper.texts.items():
        prop = {"oneLiner": "skg:oneLiner", "coreInnovation": "skg:coreInnovation",
                "abstract": "dcterms:abstract"}[name]
        yield iri, _p(prop), _text(text, lang)
    for label, url in paper.links:
        prop = {"Paper": "schema:url", "PDF": "skg:pdf", "Code": "schema:codeRepository",
                "Project Page": "skg:projectPage"}[label]
        yield iri, _p(prop), ox.NamedNode(url)
    for name in paper.authors:
        yield iri, _p("dcterms:creator"), _iri(PERSON, slug(name))
    for n in range(1, len(paper.authors) + 1):
        yield iri, _p("skg:authorship"), _iri(PAPER, f"{arxiv}/author/{n}")
    for lang in ("en", "zh"):
        for n in range(1, len(paper.key_points[lang]) + 1):
            yield iri, _p("skg:keyPoint"), _iri(PAPER, f"{arxiv}/key-point/{lang}/{n}")
    for n, lang in enumerate(("en", "zh"), 1):
        yield iri, _p("prov:wasDerivedFrom"), _iri(PAPER, f"{arxiv}/source/{n}")
    for n, name in enumerate(paper.authors, 1):
        node = _iri(PAPER, f"{arxiv}/author/{n}")
        yield node, RDF_TYPE, _p("skg:Authorship")
        yield node, _p("skg:author"), _iri(PERSON, slug(name))
        yield node, _p("skg:position"), _position(n)
    for lang in ("en", "zh"):
        for n, text in enumerate(paper.key_points[lang], 1):
            node = _iri(PAPER, f"{arxiv}/key-point/{lang}/{n}")
            yield node, RDF_TYPE, _p("skg:KeyPoint")
            yield node, _p("skg:position"), _position(n)
            yield node, _p("skg:text"), _text(text, lang)
    for n, lang in enumerate(("en", "zh"), 1):
        node = _iri(PAPER, f"{arxiv}/source/{n}")
        yield node, RDF_TYPE, _p("prov:Entity")
        yield node, _p("skg:sourceFile"), ox.Literal(PAGE_NAMES[lang])
        yield node, _p("skg:sourceLine"), _position(paper.lines[lang])


__all__ = ["BASE", "GENERATOR_VERSION", "Paper", "SynthSurvey", "generate", "write_survey"]

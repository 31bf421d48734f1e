"""The posting reader on statements written for these tests: each rule of the rubric, one sentence at a time.

None of these sentences comes from ``bench/job_posts.yaml``; they are the phrasings ads commonly use, so a
change to ``knowledge/check-posting.yaml`` that breaks a common phrasing fails here, not only in the bench.
"""

from __future__ import annotations

import pytest

from bot.check.posting.reader import read
from bot.check.posting.segments import split
from bot.check.posting.verdict import check_answers, judge
from tests.test_posting_support import shipped

CONTENT, RULES = shipped()
#: The company's pledges under their own heading say nothing about the job.
PLEDGE = (
    "Our commitment to the planet\nThe group has set climate targets for 2030, and every team contributes to the"
    " roadmap to get there."
)

STATEMENTS = [
    # roadmap
    ("roadmap", "role", "You will own the product roadmap for our checkout."),
    ("roadmap", "role", "Define and own the product vision and strategy for payments."),
    ("roadmap", "role", "You decide what the team builds and in which order."),
    ("roadmap", "role", "Set the direction for the search experience."),
    ("roadmap", "role", "Build and maintain the roadmap for the mobile app."),
    ("roadmap", "role", "The roadmap is yours."),
    ("roadmap", "role", "You're accountable for the roadmap."),
    ("roadmap", "role", "Take ownership of the product roadmap."),
    ("roadmap", "role", "Own the roadmap and review it with the CPO every quarter."),
    ("roadmap", "role", "Own the roadmap, with input from sales and support."),
    ("roadmap", "pm", "You will work closely with the Product Manager, who owns the roadmap."),
    ("roadmap", "pm", "The roadmap is defined by our product leadership."),
    ("roadmap", "pm", "Deliver the roadmap set by the Head of Product."),
    ("roadmap", "pm", "Turn the PM's roadmap into user stories."),
    ("roadmap", "pm", "You won't own the roadmap."),
    ("roadmap", "pm", "This role does not set the product strategy."),
    ("roadmap", "pm", "Our Head of Product sets the roadmap; you execute it."),
    ("roadmap", "pm", "Roadmap decisions are made by the VP of Product."),
    ("roadmap", "pm", "The product strategy comes from the leadership team."),
    ("roadmap", "pm", "You own the backlog, not the roadmap."),
    ("roadmap", "shared", "Shape the roadmap together with the Head of Product."),
    ("roadmap", "shared", "Co-own the roadmap with the Product Manager."),
    ("roadmap", "shared", "You and the PM jointly decide the roadmap."),
    ("roadmap", "shared", "Work with the Group PM to define the roadmap for your area."),
    ("roadmap", "shared", "Contribute to the product roadmap."),
    ("roadmap", "shared", "Help shape the product strategy."),
    ("roadmap", "role", "The successful candidate reports to the CTO. He/she will own the roadmap."),
    ("roadmap", "not_stated", "Help deliver the roadmap by keeping the backlog ordered."),
    ("roadmap", "not_stated", "Turn the roadmap into user stories."),
    ("roadmap", "not_stated", "Over time you may grow into owning the roadmap."),
    ("roadmap", "not_stated", "There is a path to owning the roadmap within a year."),
    ("roadmap", "not_stated", "Order and refine the team backlog."),
    ("roadmap", "not_stated", "Plan and track delivery of the roadmap."),
    # customers
    ("customers", "role", "Talk to customers every week."),
    ("customers", "role", "Run customer interviews and usability tests."),
    ("customers", "role", "Lead user research to uncover unmet needs."),
    ("customers", "role", "Own product discovery for your area."),
    ("customers", "role", "Regularly visit customers on site."),
    ("customers", "role", "Spend time with our users to understand their problems."),
    ("customers", "role", "Engage directly with customers to understand their workflows."),
    ("customers", "role", "Gather customer feedback and turn it into insights."),
    ("customers", "role", "Validate ideas with customers before we build them."),
    ("customers", "role", "You'll run this discovery yourself."),
    ("customers", "pm", "Customer research is done by our UX research team."),
    ("customers", "pm", "Our PMs run discovery and hand over validated requirements."),
    ("customers", "pm", "The Product Manager talks to customers; you work with the developers."),
    ("customers", "pm", "You won't talk to customers directly."),
    ("customers", "pm", "The PM is the one who talks to customers."),
    ("customers", "shared", "Join customer interviews with the PM."),
    ("customers", "shared", "Take part in discovery alongside our designers."),
    ("customers", "shared", "Participate in user testing sessions."),
    ("customers", "not_stated", "Be the voice of the customer in the team."),
    ("customers", "not_stated", "You'll translate insights from user research into user stories."),
    ("customers", "not_stated", "Handle support escalations from customers."),
    ("customers", "not_stated", "Run requirement workshops with stakeholders from finance."),
    ("customers", "not_stated", "You have run discovery before."),
    ("customers", "not_stated", "Comfortable running user interviews."),
    # metrics
    ("metrics", "role", "Define success metrics and track them."),
    ("metrics", "role", "Own the KPIs for your product area."),
    ("metrics", "role", "Set OKRs for the team."),
    ("metrics", "role", "You are accountable for the outcomes."),
    ("metrics", "role", "Choose the north-star metric for onboarding."),
    ("metrics", "pm", "Work towards the OKRs set by leadership."),
    ("metrics", "pm", "Track KPIs defined by the business."),
    ("metrics", "pm", "Success metrics are agreed by the steering committee."),
    ("metrics", "pm", "Targets come from the sales team."),
    ("metrics", "pm", "Work towards the KPIs that the Business Owners set."),
    ("metrics", "shared", "Agree KPIs with your stakeholders."),
    ("metrics", "shared", "Set OKRs together with the Head of Product."),
    ("metrics", "shared", "Co-define success metrics with the PM."),
    ("metrics", "not_stated", "Nobody owns the metrics yet."),
    ("metrics", "not_stated", "Report on KPIs to the Head of Product."),
    ("metrics", "not_stated", "You'll be measured on activation and retention."),
    ("metrics", "not_stated", "Write acceptance criteria and keep the Definition of Done."),
    ("metrics", "not_stated", "Experience defining OKRs and running customer interviews."),
    ("metrics", "not_stated", "We don't have OKRs yet."),
    ("metrics", "not_stated", "Drive outcomes, not output."),
    ("metrics", "role", "Work with our agencies, and you will define the KPIs for each campaign."),
    ("metrics", "pm", "Report progress against the targets the directors set for each release."),
    ("customers", "role", "You are in contact with the clients every week to collect their needs."),
    ("customers", "not_stated", "You love talking to customers and you know how to run interviews."),
    (
        "roadmap",
        "pm",
        "The PO gets requirements from the Product Manager of the client, which is responsible of the roadmap.",
    ),
    # Round 2: phrasings written while tuning on the fresh ads (bench/job_posts_more.yaml), none taken from them.
    ("roadmap", "pm", "The roadmap is owned by our Head of Product."),
    ("roadmap", "pm", "Our CPO sets the product direction and roadmap."),
    ("roadmap", "pm", "Roadmap decisions are made by the product leadership team."),
    ("roadmap", "pm", "You'll execute on a roadmap defined by product management."),
    ("roadmap", "pm", "The product strategy and roadmap are the responsibility of the Group Product Manager."),
    (
        "roadmap",
        "pm",
        "Reporting to the Senior PM, who decides what goes on the roadmap, you keep the backlog in order.",
    ),
    ("roadmap", "pm", "The roadmap is set at portfolio level."),
    ("roadmap", "pm", "You will receive a prioritised roadmap from the product council."),
    ("roadmap", "pm", "Roadmap ownership sits with the Product Lead."),
    ("roadmap", "pm", "Our Product Director decides what we build and when."),
    ("roadmap", "pm", "Decisions about what to build are made by the steering group."),
    ("roadmap", "pm", "The client decides the roadmap."),
    ("roadmap", "pm", "Product managers define the roadmap; you make it happen."),
    ("roadmap", "pm", "The roadmap is driven by our commercial team."),
    ("roadmap", "pm", "Feature priorities are set by Sales and Customer Success."),
    ("roadmap", "pm", "You will deliver the roadmap our PMs put together."),
    ("roadmap", "pm", "Our product leads own the roadmap."),
    ("roadmap", "pm", "The roadmap comes from head office."),
    ("roadmap", "pm", "You will not be responsible for the roadmap."),
    ("roadmap", "pm", "The roadmap is not part of this role."),
    ("customers", "pm", "Customer research is done by our UX team."),
    ("customers", "pm", "Our designers run the user interviews."),
    ("customers", "pm", "User research is handled by a dedicated research team."),
    ("customers", "pm", "Discovery is led by the Product Manager."),
    ("customers", "pm", "You'll get customer insights from our research team."),
    ("customers", "pm", "The PM talks to customers."),
    ("customers", "pm", "Customer feedback reaches you through the Customer Success team."),
    ("customers", "pm", "User testing is run by our UX researchers."),
    ("customers", "pm", "You won't be customer-facing."),
    ("customers", "pm", "This is an internal role with no direct customer contact."),
    ("customers", "pm", "Interviews with users are conducted by the design team."),
    ("customers", "pm", "Our sales team meets customers every day and passes on their requests."),
    ("customers", "pm", "Research findings are shared with you by the UX team."),
    ("metrics", "pm", "Success metrics are defined by leadership."),
    ("metrics", "pm", "KPIs are set by the business."),
    ("metrics", "pm", "You'll report on KPIs defined by the Head of Product."),
    ("metrics", "pm", "Targets are agreed at board level."),
    ("metrics", "pm", "The OKRs come from the leadership team."),
    ("metrics", "pm", "You will track the metrics your PM sets."),
    ("metrics", "pm", "Your team's goals are set by the product director each quarter."),
    ("metrics", "pm", "Quarterly targets are handed down from management."),
    ("metrics", "pm", "Success is measured against objectives set by the CPO."),
    ("metrics", "pm", "The business defines what success looks like."),
    ("metrics", "pm", "KPIs are owned by the Head of Product."),
    ("roadmap", "role", "You define what we build next."),
    ("roadmap", "role", "You'll set the product vision and roadmap."),
    ("roadmap", "role", "Build and own the product roadmap."),
    ("roadmap", "role", "You'll shape what gets built and why."),
    ("roadmap", "role", "You decide what makes it onto the roadmap."),
    ("roadmap", "role", "You'll have full ownership of the roadmap."),
    ("roadmap", "role", "Prioritise the roadmap based on customer value."),
    ("customers", "role", "You'll talk to users every week."),
    ("customers", "role", "You'll run discovery end to end."),
    ("customers", "role", "Get out of the building and meet our customers."),
    ("customers", "role", "Interview customers, analyse the data and decide what to build."),
    ("customers", "role", "Drive customer discovery."),
    ("customers", "role", "You will conduct customer interviews."),
    ("customers", "role", "You'll spend time with customers on site."),
    ("customers", "role", "Speak with customers weekly to understand their problems."),
    ("customers", "role", "You're the one talking to our customers."),
    ("metrics", "role", "You define what success looks like for your product."),
    ("metrics", "role", "You'll be accountable for the product's KPIs."),
    ("metrics", "role", "Set and own the OKRs for your area."),
    ("metrics", "role", "Own your product's KPIs."),
    ("metrics", "role", "You'll decide how we measure success."),
    ("metrics", "role", "Define the success metrics for every feature you ship."),
    ("roadmap", "shared", "You'll work with the Head of Product to define the roadmap."),
    ("customers", "shared", "Together with our UX researcher, you plan and run user interviews."),
    ("metrics", "shared", "Co-own the OKRs with your engineering lead."),
    ("roadmap", "shared", "You'll contribute to the product roadmap."),
    ("metrics", "shared", "You'll help define KPIs with the Head of Product."),
    ("customers", "shared", "Join customer calls with our sales team."),
    ("roadmap", "shared", "You and the Head of Product agree the roadmap together."),
    ("customers", "shared", "You'll take part in user research run by our design team."),
    ("customers", "pm", "You'll work closely with our UX researchers, who run regular interviews with customers."),
    (
        "customers",
        "pm",
        "Our Customer Insights team conducts all user research and shares the results with product teams.",
    ),
    ("customers", "pm", "Insights from customer research are provided by our Research Ops team."),
    ("customers", "pm", "User needs are gathered by the business analysts."),
    ("customers", "pm", "Customer contact is handled by our Customer Success Managers."),
    ("customers", "pm", "The product manager is the one talking to customers; you focus on delivery."),
    ("customers", "pm", "You will not run discovery yourself; our designers do."),
    ("customers", "pm", "Research is outsourced to an external agency."),
    ("customers", "pm", "Discovery sits with the product manager."),
    (
        "customers",
        "pm",
        "You receive validated requirements from the product manager, who is in close contact with our customers.",
    ),
    ("customers", "pm", "The PM brings customer feedback to the team."),
    ("customers", "pm", "Work with the UX designer, who conducts usability testing."),
    ("customers", "pm", "Customer research is the responsibility of the Product Manager."),
    ("customers", "pm", "Feedback from users comes in via the support team."),
    ("customers", "shared", "Participate in customer interviews alongside the product manager."),
    ("customers", "shared", "You'll occasionally join sales calls."),
    ("customers", "shared", "Attend user testing sessions."),
    ("customers", "shared", "Contribute to user research."),
    ("customers", "role", "You'll regularly visit customers to understand their workflows."),
    ("customers", "role", "Conduct user interviews and usability tests."),
    ("customers", "role", "You'll be in close contact with our customers."),
    ("customers", "role", "Talk to merchants and partners."),
    ("customers", "role", "Engage directly with end users."),
    ("customers", "role", "Run discovery with customers and the team."),
    ("roadmap", "pm", "The Product Manager is responsible for the roadmap."),
    ("roadmap", "pm", "You'll work from a roadmap set by the CPO."),
    ("roadmap", "pm", "Strategy and roadmap are owned by the Group PM."),
    ("roadmap", "pm", "The VP Product owns product strategy; you own the backlog."),
    ("roadmap", "pm", "Roadmap priorities are agreed between the business and the CPO."),
    ("roadmap", "pm", "Implement the product roadmap defined by the Product Director."),
    ("roadmap", "pm", "You'll get the roadmap from the business."),
    ("roadmap", "shared", "Co-create the roadmap with stakeholders."),
    ("roadmap", "shared", "Shape the roadmap with the Head of Product."),
    ("roadmap", "shared", "You and the PM jointly own the roadmap."),
    ("roadmap", "shared", "Influence the product roadmap."),
    ("roadmap", "role", "You are responsible for the product vision, strategy and roadmap."),
    ("roadmap", "role", "Develop and communicate the product roadmap."),
    ("roadmap", "role", "Own the roadmap end to end."),
    ("roadmap", "role", "Drive the product roadmap from idea to launch."),
    ("roadmap", "role", "Decide what gets built."),
    ("metrics", "pm", "The Head of Product sets the team's OKRs."),
    ("metrics", "pm", "OKRs are set quarterly by the leadership team."),
    ("metrics", "pm", "Track and report on the KPIs defined by the Product Manager."),
    ("metrics", "pm", "Targets are set by the commercial team."),
    ("metrics", "pm", "Our product leadership defines the success metrics."),
    ("metrics", "pm", "Metrics are owned by the PM."),
    ("metrics", "role", "Define and track KPIs."),
    ("metrics", "role", "Establish success metrics for new features."),
    ("metrics", "role", "Own the numbers: conversion, retention and revenue."),
    ("metrics", "shared", "Agree success metrics with your stakeholders."),
    ("metrics", "shared", "Work with the Head of Product to set quarterly OKRs."),
    ("metrics", "shared", "Help define the KPIs."),
    ("roadmap", "role", "You'd be the one deciding what we build."),
    ("roadmap", "role", "It's your call what goes on the roadmap."),
    ("roadmap", "role", "You'll have the final say on the roadmap."),
    ("roadmap", "role", "You get to decide what we build next."),
    ("roadmap", "role", "Roadmap calls are yours."),
    ("roadmap", "role", "We trust you to figure out what to build."),
    ("roadmap", "role", "You'll call the shots on the roadmap."),
    ("roadmap", "role", "You will be the owner of the roadmap."),
    ("roadmap", "role", "The roadmap will be your responsibility."),
    ("roadmap", "role", "You're in the driving seat for the roadmap."),
    ("roadmap", "pm", "You won't be deciding what we build; that's the Head of Product's job."),
    ("roadmap", "pm", "The final say on the roadmap rests with our CPO."),
    ("roadmap", "pm", "What we build is decided by our founders."),
    ("roadmap", "pm", "The roadmap is handed to you by the product manager."),
    ("customers", "role", "Talk to customers? Constantly."),
    ("customers", "role", "You'll spend half your week with users."),
    ("customers", "role", "You'll be on the phone with customers a lot."),
    ("customers", "role", "You'll sit with our users and watch them work."),
    ("customers", "role", "You'll hear straight from customers every week."),
    ("customers", "pm", "You'll hear from customers mostly through the support team."),
    ("customers", "pm", "You won't talk to customers much; the account managers do that."),
    ("customers", "pm", "Customer conversations happen with the PM, not with you."),
    ("metrics", "role", "You'll own the outcome, not just the output."),
    ("metrics", "role", "You set the goals for your area."),
    ("metrics", "pm", "Your targets come from the commercial director."),
    ("metrics", "pm", "You'll be measured on targets the business sets."),
    ("metrics", "pm", "The KPIs are given to you by management."),
    ("metrics", "pm", "Goals are set for you by your manager."),
    ("roadmap", "shared", "Work closely with the Head of Product on the roadmap."),
    ("roadmap", "shared", "Collaborate with our CPO on product strategy and the roadmap."),
    ("customers", "shared", "Work with our UX researchers on customer interviews."),
    ("roadmap", "shared", "You'll be involved in the roadmap."),
    ("metrics", "shared", "Partner with the Director of Product on the team's OKRs."),
    ("roadmap", "role", "Own the roadmap and work with the CPO on the strategy."),
    ("metrics", "pm", "Our Head of Product owns the roadmap, runs discovery and sets the KPIs."),
    ("customers", "pm", "Our Head of Product owns the roadmap, runs discovery and sets the KPIs."),
    ("roadmap", "role", "Our new PO owns the roadmap for payments."),
    ("metrics", "role", "Our research team runs the interviews, and you set the KPIs."),
    ("roadmap", "pm", "Our growth team owns the roadmap."),
    ("customers", "pm", "Our architects run the customer workshops."),
    ("customers", "not_stated", "We run customer interviews every week."),
    # What the rubric leaves out: second-hand feedback, internal stakeholders, tracking, the backlog.
    ("customers", "not_stated", "You'll read NPS verbatims and app store reviews every week."),
    ("customers", "not_stated", "Analyse support tickets and customer feedback to spot patterns."),
    ("customers", "not_stated", "Go through the customer feedback in our support inbox."),
    ("customers", "not_stated", "Handle escalations from key accounts."),
    ("customers", "not_stated", "Run sprint reviews and demos for stakeholders."),
    ("customers", "not_stated", "Gather requirements from internal stakeholders."),
    ("customers", "not_stated", "Run requirement workshops with the business."),
    ("customers", "role", "Collect feedback from customers in regular interviews."),
    ("metrics", "not_stated", "Track and report on the team's KPIs."),
    ("metrics", "not_stated", "Monitor product metrics in Looker."),
    ("metrics", "not_stated", "Define acceptance criteria for every story."),
    ("metrics", "not_stated", "Make sure the team meets its sprint goals."),
    ("roadmap", "not_stated", "Prioritise the team backlog."),
    ("roadmap", "not_stated", "Own the sprint backlog and decide what goes into each sprint."),
    ("roadmap", "not_stated", "Plan the releases for the next quarter."),
    # Round 3: structure rather than phrases (who acts, passive agents, partners, lists around a dash).
    ("customers", "pm", "The Pricing team owns the roadmap and runs the customer research."),
    ("metrics", "pm", "The Commercial team sets the roadmap, talks to dealers and picks the targets."),
    ("roadmap", "pm", "The roadmap for our warehouse and transport systems is decided by the Head of IT."),
    ("roadmap", "pm", "Decisions about the roadmap are taken by the product leadership team."),
    ("metrics", "pm", "The targets for every squad in the tribe are fixed by the steering group."),
    ("roadmap", "not_stated", "The roadmap, informed by research from our UX team, is what you deliver against."),
    ("roadmap", "shared", "Together with the Service Owner, you will set the priorities and agree the roadmap."),
    ("customers", "role", "Shape the roadmap together with the CPO, and run the user interviews yourself."),
    ("roadmap", "shared", "Shape the roadmap together with the CPO, and run the user interviews yourself."),
    ("roadmap", "pm", "The CPO and the CEO agree the roadmap every half-year."),
    ("roadmap", "shared", "The roadmap we would decide together, you and me."),
    ("metrics", "shared", "The quarterly goals we set together."),
    ("customers", "pm", "I run the customer interviews myself; you get my notes."),
    ("customers", "pm", "Our clients come with their own user research."),
    ("metrics", "pm", "The clients bring the briefs, and the KPIs are theirs."),
    ("customers", "pm", "Receive the results of the client's user research and fold them into the backlog."),
    ("customers", "pm", "Work with our Research team, who run the studies with users."),
    ("customers", "role", "Sit down with our customers every sprint."),
    ("customers", "role", "You'll talk to our learners every week."),
    ("customers", "pm", "Our PMs are the ones talking to our learners."),
    ("metrics", "pm", "Report monthly on the performance indicators agreed with the Ministry."),
    ("metrics", "shared", "Targets are proposed by you and agreed with the Head of Product."),
    ("roadmap", "pm", "Product calls – roadmap, research, all of it – sit with the client's product team."),
    ("customers", "pm", "Product calls – roadmap, research, all of it – sit with the client's product team."),
    ("metrics", "pm", "Track the KPIs (set by the CPO) every week."),
    ("metrics", "role", "Own the north-star metric (weekly active users) and report on it."),
    # Round 3, phrasings probed beyond the labelled ads.
    ("customers", "role", "Spend at least a day a week with our customers."),
    ("customers", "role", "You'll be out in the field with farmers most weeks."),
    ("customers", "role", "Get to know our users through interviews and site visits."),
    ("customers", "role", "Visit stores to see how staff use the app."),
    ("customers", "role", "Gather insights directly from customers and the market."),
    ("customers", "role", "Understand user needs through research you plan and run."),
    ("customers", "role", "Discovery is yours: interviews, prototypes, tests."),
    ("customers", "role", "You'll run the customer advisory board."),
    ("customers", "role", "Be the person who speaks with hospital staff about what they need."),
    ("customers", "role", "Learn what matters to clinicians by talking to them every week."),
    ("customers", "pm", "You'll work from the research insights our design team produces."),
    ("customers", "pm", "Customer needs are captured by the business analysts."),
    ("customers", "pm", "You will not be expected to talk to customers."),
    ("customers", "pm", "Our account managers own the customer relationship."),
    ("customers", "pm", "Customer contact stays with sales."),
    ("customers", "pm", "The PM handles all conversations with customers."),
    ("customers", "shared", "Together with the designer and the PM, run customer interviews."),
    ("customers", "shared", "Observe user testing sessions with the design team."),
    ("customers", "not_stated", "We are a bank built on long-term customer relationships."),
    ("metrics", "role", "Own conversion and retention for checkout."),
    ("roadmap", "role", "Decide which problems to solve and in what order."),
    ("customers", "role", "A typical week includes talking to customers and reviewing designs."),
    ("roadmap", "pm", "What we build is set by our clients."),
    ("roadmap", "role", "Take full ownership of the product strategy."),
    ("roadmap", "shared", "Work hand in hand with the CPO on the product strategy."),
    ("metrics", "role", "You'll own the P&L, the pricing and the KPIs for the product."),
    ("metrics", "pm", "You'll deliver against KPIs agreed with the client."),
    ("roadmap", "pm", "Each quarter Anna sets the roadmap for the platform."),
    ("customers", "pm", "Marketing runs the customer interviews."),
    ("customers", "role", "The job involves talking to customers every week."),
    ("customers", "not_stated", "Make sure the service meets user needs."),
    ("customers", "role", "Run field tests with installers."),
    ("customers", "role", "You will animate workshops with users to understand their needs."),
    ("customers", "pm", "Customer feedback is collected by our field service engineers."),
    ("customers", "pm", "Support the UX team in their user research."),
    ("roadmap", "role", "You decide which features make it into the next release."),
    ("roadmap", "role", "You are responsible for the further development of the product roadmap."),
    ("metrics", "role", "You take over responsibility for the KPIs of your product."),
    ("metrics", "role", "You will define and own the KPIs of the product together with your team."),
    ("roadmap", "shared", "Decide together with the management about the next features."),
    ("roadmap", "pm", "The roadmap for the app is set every quarter by our Head of Digital."),
    ("roadmap", "role", "You own the roadmap and decide on priorities between features and fixes."),
    ("customers", "pm", "User research (interviews and surveys) is run by our Insights Lab."),
    ("customers", "role", "The person will own the seller roadmap and run the seller interviews themselves."),
    ("roadmap", "pm", "The regional leads decide what each team builds."),
    ("roadmap", "role", "The PO leads the roadmap for payments."),
    ("metrics", "shared", "Define, together with the PMs, the success metrics of each squad."),
    ("metrics", "shared", "You will set with him the KPIs of each feature."),
    ("roadmap", "shared", "You will co-construct the roadmap with the Head of Product."),
    ("roadmap", "shared", "Figure out the roadmap with me."),
    ("metrics", "pm", "Our impact measures are set by the board of trustees."),
    ("customers", "pm", "The venture leads run the customer experiments."),
    ("customers", "pm", "Each area has a Product Lead, who sets its priorities and who runs the user interviews."),
    ("customers", "role", "Lead user research for your squad."),
    ("customers", "pm", "The squad's designer leads all user testing."),
    ("customers", "shared", "Together with the UX lead, you plan the research."),
    ("metrics", "role", "Own your product's KPIs."),
    ("customers", "pm", "Sales owns the relationship with our customers."),
    ("customers", "pm", "The business analysts gather requirements from the users."),
    ("customers", "role", "A big part of the job is listening to customers."),
    ("customers", "role", "Design and run experiments with customers."),
    ("customers", "pm", "Customer needs are brought to you by the product manager."),
    ("customers", "pm", "Research happens in the central design team."),
    ("metrics", "pm", "OKRs are cascaded from the company level."),
    ("customers", "role", "Candidate should interact with clients to gather requirements."),
    ("customers", "role", "You are in charge of the user research for your product."),
    ("customers", "role", "Responsible for customer discovery."),
    ("customers", "role", "You take care of the exchange with our users."),
    ("customers", "shared", "Accompany the PM on customer visits."),
    ("roadmap", "role", "You will decide on priorities for the product."),
    ("roadmap", "pm", "The roadmap lies with the client."),
    ("roadmap", "pm", "Implement the roadmap the customer has defined."),
    ("roadmap", "pm", "Product decisions stay with the client."),
    ("roadmap", "pm", "Strategic decisions are made by the product board."),
    ("customers", "pm", "Our designers handle all user research."),
    ("roadmap", "role", "You will elaborate the roadmap of the product."),
    ("roadmap", "role", "Definition of the product roadmap."),
    ("roadmap", "role", "Roadmap planning and prioritisation for the product."),
    ("roadmap", "pm", "You work according to the roadmap of the product management."),
    ("roadmap", "shared", "In close coordination with the Product Manager, you define the roadmap."),
    ("metrics", "role", "You fix the objectives of the product."),
    ("metrics", "role", "Definition and follow-up of the KPIs of the product."),
    ("customers", "role", "Organisation and animation of user workshops."),
    ("customers", "role", "You collect the needs of the users."),
    ("customers", "pm", "The needs of the users are collected by the business analysts."),
    ("customers", "not_stated", "Make sure the app meets the needs of our users."),
    ("customers", "role", "Spend Fridays at our partner restaurants to see how they use the app."),
    ("customers", "role", "Test new features with our beta community."),
    ("customers", "role", "Hang out with our players in Discord and learn what they love."),
    ("customers", "role", "Work directly with our customers to understand their problems."),
    ("customers", "role", "Call our customers to understand why they churn."),
    ("customers", "role", "Frequent user interviews are part of your job."),
    ("customers", "role", "Your week: two customer calls, one usability test, lots of building."),
    ("customers", "pm", "You'll get their findings every month from the research team."),
    ("metrics", "shared", "Negotiate targets with the management."),
    ("customers", "role", "Run co-design sessions with residents."),
    ("customers", "role", "Go on site visits to our installers."),
    ("customers", "role", "Run beta programmes with selected customers."),
    ("customers", "role", "You are in constant dialogue with our customers."),
    ("customers", "role", "Maintain close contact with key customers."),
    ("roadmap", "shared", "Co-design the roadmap with the Head of Product."),
    ("roadmap", "not_stated", "Write the release notes for each roadmap milestone."),
    ("roadmap", "not_stated", "Manage dependencies between roadmap items."),
    ("roadmap", "pm", "You will not own the roadmap."),
    # Round 5.
    (
        "customers",
        "role",
        "Usability sessions with pilot customers are expected to be planned and conducted by the Product Owner.",
    ),
    ("metrics", "shared", "Targets for the quarter are drafted by you and then approved by the Head of Product."),
    ("customers", "shared", "You both interview customers, the PM and you."),
    ("metrics", "shared", "Help the Head of Product set the OKRs for the app."),
    ("customers", "pm", "Sales handles the accounts, and all customer contact runs through them."),
    ("customers", "pm", "You won't be speaking to hospitals yourself."),
    ("metrics", "pm", "Maintain the dashboards for the targets the commercial squad sets."),
    (
        "customers",
        "not_stated",
        "We're looking for a Product Owner for the shopper side of our app, and I can't wait to meet you.",
    ),
    ("customers", "role", "Get to understand your shoppers through interviews and diary studies."),
    ("customers", "role", "Regular discovery is part of the job, with weekly touchpoints with growers."),
    ("customers", "role", "Work closely with clinicians to learn how they chart."),
    ("customers", "role", "You'll be in close contact with our key accounts."),
    ("customers", "role", "Your day involves customer calls, sketching and planning."),
    ("customers", "shared", "Work with our UX researcher to plan and run the usability tests."),
    ("customers", "not_stated", "Work closely with our customer success team."),
    ("metrics", "role", "Write the OKRs for the payments area."),
    ("metrics", "role", "Define what success means for onboarding."),
    ("metrics", "role", "Come up with the key metrics for search."),
    ("metrics", "shared", "Align with your stakeholders on the success metrics."),
    ("metrics", "shared", "Partner with the GPM on the quarterly OKRs."),
    ("metrics", "shared", "Propose the KPIs to the Head of Product for sign-off."),
    ("roadmap", "role", "You make the calls on what gets built."),
    ("roadmap", "shared", "Align the roadmap with the VP of Product."),
    ("roadmap", "not_stated", "Align the roadmap with company goals."),
    ("metrics", "shared", "Take part in setting the objectives for the quarter."),
    ("metrics", "shared", "Participate in defining the success measures for invoicing."),
    ("metrics", "shared", "Jointly with the Commercial Director, define the targets for the shop."),
    ("metrics", "shared", "Shape the team's goals with the GM of the region."),
    ("roadmap", "pm", "Product roadmap: owned by the Group PM."),
    ("roadmap", "shared", "You'll have a real voice in the product roadmap."),
    ("roadmap", "pm", "The product vision is set by HQ in Lyon."),
    ("customers", "role", "Travel to the depots and see how the dispatchers plan a day."),
    ("customers", "role", "Ride along with our drivers once a month."),
    ("customers", "role", "Sit next to the pharmacists and watch them work."),
    ("customers", "role", "A third of your time is with our merchants."),
    ("customers", "role", "Research how our tenants pay their rent."),
    ("customers", "role", "Work hand in hand with our growers to improve the app."),
    ("customers", "not_stated", "Go to the office three days a week."),
    ("roadmap", "pm", "Deliver the roadmap of the client on time and on budget."),
    ("roadmap", "pm", "The product strategy lives with the Head of Product."),
    ("metrics", "role", "Set the targets for the retention of our users."),
    ("customers", "pm", "Usability testing is centralised in the design studio's research team."),
    ("roadmap", "shared", "Work out with me and my co-founder what we ship next, and decide how we measure success."),
    ("metrics", "role", "Work out with me and my co-founder what we ship next, and decide how we measure success."),
    ("roadmap", "role", "You will own the roadmap for payments within the strategic direction set by the board."),
    ("roadmap", "pm", "The roadmap comes from the business side."),
    ("metrics", "pm", "Keep the team's work in line with the quarterly objectives agreed with the business."),
    (
        "customers",
        "role",
        "You run usability tests with tenants yourself and you set the goals together with the board.",
    ),
    (
        "metrics",
        "shared",
        "You run usability tests with tenants yourself and you set the goals together with the board.",
    ),
    ("roadmap", "role", "In three months you'll take it over: the roadmap, the customer calls, the metrics."),
    ("metrics", "role", "In three months you'll take it over: the roadmap, the customer calls, the metrics."),
    ("customers", "pm", "Direct contact to the end customers is not foreseen in this position."),
    ("customers", "role", "Find out what our hosts need, which mostly means jumping on calls with them."),
    ("metrics", "pm", "Hit the retention targets set by the CHRO."),
    ("metrics", "shared", "The goals for onboarding are agreed between you and the Head of Product."),
    ("roadmap", "not_stated", "A roadmap is not required for the pilot."),
    ("roadmap", "role", "As Lead PO you steer the product owners of three teams and own the overall roadmap."),
    ("metrics", "role", "KPIs? You set them, the CPO challenges them."),
    ("metrics", "not_stated", "Monitor the KPIs agreed in the yearly target agreement."),
    ("metrics", "shared", "You'll pick the metrics that matter with our Head of Growth."),
    (
        "customers",
        "role",
        "You'll run usability sessions and feed what you learn into the roadmap, which is owned by the CPO.",
    ),
    (
        "roadmap",
        "pm",
        "You'll run usability sessions and feed what you learn into the roadmap, which is owned by the CPO.",
    ),
    ("metrics", "pm", "Success measures are agreed with the clinical board."),
    ("metrics", "pm", "The KPIs are decided on the board level."),
    ("metrics", "shared", "Who owns what here:\n- KPIs: you propose, the founders approve"),
    ("customers", "role", "What you'll do\n- Discovery: run it every week with our dispatchers"),
    ("metrics", "role", "Check the conversion numbers you set last quarter."),
    ("roadmap", "pm", "Shaping the product strategy is outside the scope of this job."),
    ("customers", "pm", "Usability testing is out of scope for this position."),
    ("metrics", "pm", "Choosing the KPIs is not part of the job."),
    ("roadmap", "pm", "No roadmap responsibility; backlog only."),
    ("customers", "pm", "An internal role with no customer interaction."),
    ("roadmap", "pm", "Not a product management job: the roadmap is decided elsewhere."),
    ("roadmap", "role", "There's no PM above you, so you own the roadmap."),
    ("roadmap", "role", "Own the roadmap beyond the next release."),
    ("roadmap", "shared", "You and the Head of Product decide together what goes on the roadmap."),
    ("customers", "shared", "Support our UX researchers in running the diary studies."),
    ("metrics", "role", "Set the KRs for the onboarding squad."),
    ("metrics", "role", "You decide which numbers the team optimises for."),
    ("metrics", "role", "Establish the measurement framework for the app."),
    ("roadmap", "not_stated", PLEDGE),
    ("metrics", "not_stated", PLEDGE),
    # Not decided yet is not someone else's: the rest of the sentence says who takes it up ("it", "them").
    ("roadmap", "role", "There is no fixed roadmap, so you will shape it with the team."),
    ("roadmap", "role", "There's no predefined roadmap: you define it from scratch."),
    ("roadmap", "role", "Nobody owns the roadmap today; you will own it."),
    ("metrics", "role", "There are no agreed KPIs yet, so you will set them."),
    ("metrics", "role", "We work without an established set of OKRs – you'll define them."),
    ("roadmap", "shared", "There is no existing roadmap, so you will shape it together with the Head of Product."),
    ("roadmap", "pm", "There is no set roadmap yet; the CPO will write it this spring."),
    ("roadmap", "not_stated", "There is no fixed roadmap."),
    ("metrics", "not_stated", "There are no defined KPIs, so we keep it simple."),
    # "it" is read within its own clause: what comes after the ';' is another statement.
    ("roadmap", "role", "There is no fixed roadmap, so you will shape it; the CPO owns the KPIs."),
    ("metrics", "pm", "There is no fixed roadmap, so you will shape it; the CPO owns the KPIs."),
    ("roadmap", "role", "There's no predefined roadmap: you define it – the CPO owns the KPIs."),
    # So is what comes after ", and" with a subject and verb of its own: neither clause lends its holder.
    ("roadmap", "role", "There is no fixed roadmap, so you will shape it, and the CPO owns the KPIs."),
    ("metrics", "pm", "There is no fixed roadmap, so you will shape it, and the CPO owns the KPIs."),
    ("roadmap", "role", "There is no fixed roadmap, so you will shape the roadmap, and the CPO owns the KPIs."),
    ("roadmap", "role", "You will shape the roadmap, and the CPO owns the KPIs."),
    ("metrics", "role", "You will set the KPIs, and the CPO owns the roadmap."),
    ("roadmap", "pm", "You will set the KPIs, and the CPO owns the roadmap."),
    ("metrics", "pm", "The CPO owns the KPIs, and you will shape the roadmap."),
    ("roadmap", "role", "The CPO owns the KPIs, and you will shape the roadmap."),
    ("metrics", "pm", "You run the interviews, and our analytics team decides the KPIs."),
    # "It" at the start of the next sentence, with no topic of its own, may take the topic that ended the one before.
    ("roadmap", "role", "No fixed roadmap. You will shape it."),
    ("metrics", "role", "There are no agreed KPIs yet. You will set them with little help."),
    ("roadmap", "pm", "There is no set roadmap yet. The CPO will write it this spring."),
    ("roadmap", "not_stated", "There is no fixed roadmap. Over time you may grow into owning it."),
    ("roadmap", "pm", "There is no fixed roadmap yet. Over time it will be set by the CPO."),
    ("roadmap", "not_stated", "There is no fixed roadmap. We keep it simple."),
    # only the sentence right before, and only a topic that ended it
    ("roadmap", "not_stated", "There is no fixed roadmap. We move fast. You will shape it."),
    ("roadmap", "not_stated", "There is no fixed roadmap, and our CFO owns the budget. You will shape it."),
    # A list joined by ", and" has no subject of its own after it: its items keep the verb before.
    ("metrics", "role", "Own the roadmap, the OKRs, and the product's goals."),
    ("roadmap", "pm", "The Head of Product owns the roadmap, and runs the quarterly planning."),
    # A clause about this role's future says only someone else's, with "it" as with the topic word.
    ("roadmap", "not_stated", "There is no fixed roadmap; over time you may grow into owning it."),
    ("roadmap", "not_stated", "Over time you may grow into owning the roadmap."),
    ("roadmap", "pm", "There is no fixed roadmap yet; over time it will be set by the CPO."),
    # A partner goes with the duty it is said with (the examples of the reader's ``_partner_of``).
    ("roadmap", "shared", "Together with the Service Owner, you will own the roadmap."),
    ("roadmap", "shared", "Own the roadmap together with the Head of Digital, run the user tests yourself."),
    ("customers", "role", "Own the roadmap together with the Head of Digital, run the user tests yourself."),
    ("customers", "role", "You run the user tests and you set the goals together with the service manager."),
    ("metrics", "shared", "You run the user tests and you set the goals together with the service manager."),
    ("customers", "role", "You plan the interviews, and you agree the KPIs together with the CPO."),
    ("metrics", "shared", "The KPIs, which you set together with the CPO, guide the team."),
    # A participle right before another topic describes it ("no fixed roadmap"): it is not this role's verb.
    ("metrics", "not_stated", "There is no fixed roadmap, but the KPIs are clear."),
    ("metrics", "not_stated", "There is no defined roadmap and the KPIs are clear."),
    ("roadmap", "not_stated", "There is no fixed roadmap, but the KPIs are clear."),
    ("metrics", "role", "Fix the KPIs for the roadmap."),
    ("metrics", "not_stated", "Work towards clearly defined KPIs."),
    ("roadmap", "not_stated", "Deliver against the agreed roadmap."),
    # Opening its clause, a past participle is the duty's verb, said in the past ("Owned roadmap and KPIs").
    ("roadmap", "role", "Owned roadmap and KPIs."),
    ("metrics", "role", "Owned roadmap and KPIs."),
    # No match runs across ", but": what follows turns to something else.
    ("metrics", "not_stated", "Own the backlog, but the KPIs are clear."),
    ("metrics", "not_stated", "The roadmap is not fixed, but the KPIs are clear."),
    ("metrics", "role", "You set the KPIs, but the CPO owns the roadmap."),
    # Someone else at the end of a list after 'with' is a partner, as "with the CPO" is.
    ("roadmap", "shared", "Work with the designers, the engineers, and the CPO to define the roadmap."),
    ("roadmap", "shared", "Work with the designers, the engineers and the CPO to define the roadmap."),
    ("roadmap", "shared", "Partner with design, engineering, data science, and the CPO to define the roadmap."),
    ("roadmap", "pm", "Work with the designers, the engineers, and the CPO, who owns the roadmap."),
    ("roadmap", "role", "Work with the designers, the engineers and the CPO and own the roadmap."),
    ("roadmap", "pm", "Report to the CTO, the Head of Product owns the roadmap."),
    ("roadmap", "pm", "You talk to users, the designers test ideas, and the CPO decides the roadmap."),
]


@pytest.mark.parametrize(("question", "expected", "statement"), STATEMENTS)
def test_one_statement(question: str, expected: str, statement: str) -> None:
    reading = read(RULES, f"Product Owner\n\n{statement}")
    assert reading.answers[question] == expected, [f for f in reading.findings if f.question == question]


@pytest.mark.parametrize(
    ("ad", "answer", "quoted"),
    [
        (
            "Product Owner\n\nYou'll work with our CPO. The roadmap is set by the CPO; you write the stories.",
            "pm",
            "The roadmap is set by the CPO; you write the stories.",
        ),
        # A topic taken up in the next sentence ("it") quotes both sentences.
        ("Product Owner\n\nNo fixed roadmap. You will shape it.", "role", "No fixed roadmap. You will shape it."),
    ],
)
def test_every_answer_quotes_the_sentences_it_came_from(ad: str, answer: str, quoted: str) -> None:
    reading = read(RULES, ad)
    assert reading.answers["roadmap"] == answer
    (quote,) = reading.evidence["roadmap"]
    assert quote.text == quoted
    assert ad[quote.start : quote.end] == quote.text
    assert reading.evidence["customers"] == ()


def test_a_long_sentence_is_quoted_around_the_match() -> None:
    filler = "and the many teams, tools and partners it works with every day across the whole group, " * 3
    ad = f"Product Owner\n\nYou will work with {filler}while the roadmap is owned by our Head of Product."
    (quote,) = read(RULES, ad).evidence["roadmap"]
    assert quote.text.endswith("the roadmap is owned by our Head of Product.")
    assert quote.cut_before and not quote.cut_after
    assert quote.shown().startswith("…") and len(quote.text) <= 160


def test_boilerplate_sections_and_qualifications_count_for_nothing() -> None:
    ad = """Product Owner – Payments

About us
Our strategy is set by the board and our customers are at the heart of every decision.

What you'll do
- Keep the backlog ordered.

Who you are
- You have defined OKRs before and love customer interviews.

Benefits
- We set ambitious goals and celebrate them.
"""
    reading = read(RULES, ad)
    assert reading.answers == {"roadmap": "not_stated", "customers": "not_stated", "metrics": "not_stated"}


#: Duties under a heading that names sustainability, ESG or a commitment without speaking as the company.
SUSTAINABILITY_DUTIES = """Sustainability Product Manager

{heading}
- Own the roadmap for our carbon accounting product.
- Talk to customers every week.
- Define the KPIs for emissions reporting.
"""


@pytest.mark.parametrize(
    "heading",
    [
        "Your sustainability impact",
        "ESG reporting: what you'll own",
        "Sustainability",
        "Your commitment to our customers",
    ],
)
def test_a_sustainability_roles_duties_count_under_a_heading_that_names_sustainability(heading: str) -> None:
    reading = read(RULES, SUSTAINABILITY_DUTIES.format(heading=heading))
    assert reading.answers == {"roadmap": "role", "customers": "role", "metrics": "role"}


@pytest.mark.parametrize(
    ("title", "heading"),
    [
        ("Product Owner, Payments", "Responsibilities (ESG data team)"),
        ("Product Owner, Payments", "Time commitment and responsibilities"),
        ("Product Owner, Reporting Platform", "ESG reporting platform"),
        ("Product Owner, Carbon Accounting", "Sustainability data products"),
        ("Product Manager, Climate Tech", "Building the sustainability platform"),
    ],
)
def test_a_duties_heading_that_mentions_a_cause_still_heads_duties(title: str, heading: str) -> None:
    """Only a bare cause heading ("Sustainability") is over the company's pledge: a longer one naming a
    cause word may well head this role's duties, so it is left to the company-voice ``headings``."""
    ad = f"{title}\n\n{heading}\nYou will own the product roadmap. You talk to customers every week. You set the KPIs."
    assert read(RULES, ad).answers == {"roadmap": "role", "customers": "role", "metrics": "role"}


#: A company's pledge under a heading of its own, then the role's one duty: only the duty may count.
PLEDGE_AD = (
    "{title}\n\n{heading}\nThe group owns a roadmap to net zero, sets science-based targets and talks to customers"
    " about their footprint.\n\nWhat you'll do\n- Keep the backlog ordered."
)


@pytest.mark.parametrize(
    "heading",
    ["Our sustainability commitment", "Sustainability at Northwind", "How we approach ESG", "Commitment to net zero"],
)
def test_the_companys_pledge_under_its_own_heading_counts_for_nothing(heading: str) -> None:
    reading = read(RULES, PLEDGE_AD.format(title="ESG Product Owner", heading=heading))
    assert reading.answers == {"roadmap": "not_stated", "customers": "not_stated", "metrics": "not_stated"}


@pytest.mark.parametrize("heading", ["Sustainability", "ESG", "Commitment", "Sustainability & ESG"])
def test_a_bare_sustainability_heading_sets_aside_the_pledge_in_an_ad_for_another_role(heading: str) -> None:
    reading = read(RULES, PLEDGE_AD.format(title="Product Owner, Payments", heading=heading))
    assert reading.answers == {"roadmap": "not_stated", "customers": "not_stated", "metrics": "not_stated"}


def test_a_marker_sentence_sets_aside_the_rest_of_its_paragraph() -> None:
    ad = (
        "Product Owner\n\nYou talk to customers every week.\n\n"
        "We are an equal opportunity employer. We set and publish goals for representation."
    )
    reading = read(RULES, ad)
    assert reading.answers["customers"] == "role"
    assert reading.answers["metrics"] == "not_stated"


def test_statements_are_counted_and_a_tie_is_shared() -> None:
    ad = "Product Owner\n\nYou own the roadmap for search. The Head of Product owns the roadmap for the app."
    assert read(RULES, ad).answers["roadmap"] == "shared"
    ad += " You also own the roadmap for the API."
    assert read(RULES, ad).answers["roadmap"] == "role"


def test_input_only_counts_when_nothing_firmer_is_said() -> None:
    ad = "Product Owner\n\nHelp shape the roadmap. The Head of Product owns the roadmap."
    assert read(RULES, ad).answers["roadmap"] == "pm"


def test_later_clauses_of_a_sentence_elaborate_the_first() -> None:
    ad = "Product Manager\n\nLead discovery for your area: run user interviews together with UX Research."
    assert read(RULES, ad).answers["customers"] == "role"


def test_a_list_of_short_lines_is_a_list_of_duties_not_of_headings() -> None:
    ad = (
        "Product Owner\n\nResponsibilities\nOwn the roadmap\nTalk to customers every week\nDefine the KPIs\n\n"
        "What we offer\nA good salary"
    )
    reading = read(RULES, ad)
    assert reading.answers == {"roadmap": "role", "customers": "role", "metrics": "role"}
    # the last line stands alone before nothing, like a heading: harmless, headings only stop answering
    assert [s.heading for s in split(ad)] == [False, False, False, False, False, False, True]


def test_a_heading_never_answers() -> None:
    ad = "Product Manager, Local Discovery\n\nYou own the roadmap."
    assert read(RULES, ad).answers["customers"] == "not_stated"


def test_a_statement_about_the_roadmap_outweighs_one_about_the_strategy() -> None:
    ad = "Product Manager\n\nOur CEO sets the company vision. Within it, the growth roadmap is yours."
    assert read(RULES, ad).answers["roadmap"] == "role"
    assert read(RULES, "Product Manager\n\nOur CEO sets the company vision.").answers["roadmap"] == "pm"


def test_a_semicolon_starts_a_new_statement() -> None:
    ad = "Product Manager\n\nCompany OKRs are set by the leadership team; you own the OKRs of your squad."
    reading = read(RULES, ad)
    assert reading.answers["metrics"] == "shared"
    assert len(reading.findings) == 2


def test_the_ads_own_title_with_its_qualifier_is_this_role() -> None:
    ad = "Principal Product Manager\n\nAs Principal Product Manager you will set the roadmap for ads."
    assert read(RULES, ad).answers["roadmap"] == "role"
    ad = "Associate Product Manager\n\nYou work for a Group Product Manager who owns the roadmap."
    assert read(RULES, ad).answers["roadmap"] == "pm"


def test_the_ads_own_title_is_this_role_and_other_titles_are_someone_else() -> None:
    ad = "Product Owner\n\nThe Product Owner owns the roadmap. Product Managers run the customer interviews."
    reading = read(RULES, ad)
    assert reading.answers["roadmap"] == "role"
    assert reading.answers["customers"] == "pm"


def test_a_sections_heading_gives_its_verb_to_a_duty_without_one() -> None:
    ad = "Product Lead\n\nWhat you'll own\n- The growth roadmap\n- The activation metrics and their targets"
    reading = read(RULES, ad)
    assert (reading.answers["roadmap"], reading.answers["metrics"]) == ("role", "role")
    ad = "Business Analyst\n\nWhat you'll do\n- Interview relationship managers about their processes"
    assert read(RULES, ad).answers["customers"] == "not_stated"  # a verb of its own, with its own object


def test_a_title_in_brackets_is_whoever_the_words_before_name() -> None:
    ad = "Ruben (Head of Product, Acme) here: we're hiring a PO for onboarding.\n\n- the PO owns the roadmap"
    reading = read(RULES, ad)
    assert (reading.context["title"], reading.answers["roadmap"]) == ("po", "role")


def test_the_authors_own_title_is_not_the_jobs() -> None:
    ad = "Hi! I'm the Product Manager for our payments train and I'm looking for a Product Owner."
    assert read(RULES, ad).context["title"] == "po"


#: Whole short ads written for round 2: recruiter notes, one-paragraph ads, sections with unusual headings.
ADS = [
    (
        {"roadmap": "role", "customers": "role", "metrics": "role"},
        (
            "Hi Alex, I'm recruiting for a Product Owner at a Dutch SaaS company (about 250 people). "
            "The person in this role owns the roadmap for invoicing, speaks to customers most weeks and"
            " sets the team's OKRs. Interested?"
        ),
    ),
    (
        {"roadmap": "pm", "customers": "pm", "metrics": "not_stated"},
        (
            "Hey! My client, a big Nordic retailer, needs a Product Owner. Their Product Managers "
            "decide the roadmap and run the customer research; the PO keeps the team's backlog in "
            "shape. Day rate £550."
        ),
    ),
    (
        {"roadmap": "role", "customers": "pm", "metrics": "role"},
        (
            "Product Manager, Checkout\n\nWhy this role matters\nYou'll own the checkout roadmap and "
            "decide what we build each quarter. You'll set the conversion targets for checkout and "
            "answer for them.\n\nHow discovery works here\nOur research team runs the customer interviews "
            "and usability tests and shares what they learn with you every fortnight."
        ),
    ),
    (
        {"roadmap": "pm", "customers": "shared", "metrics": "pm"},
        (
            "Product Owner (Scrum) at Harlow Insurance, 3,000 employees. About us: we insure homes and "
            "cars across the UK. We offer hybrid working. In this role you take the roadmap the Product"
            " Manager sets and turn it into a backlog, you join the customer interviews the PM runs, "
            "and you report on the KPIs the business sets."
        ),
    ),
    (
        {"roadmap": "pm", "customers": "not_stated", "metrics": "pm"},
        (
            "Product Owner – Claims\nWhat you'll do\n- Work from the roadmap the Head of Claims Products "
            "owns\n- Report monthly against targets set by the board\n- Keep the backlog ordered"
        ),
    ),
    (
        {"roadmap": "shared", "customers": "role", "metrics": "shared"},
        (
            "Product Owner, 120-person B2B SaaS in Leeds. The roadmap is something you and the Head of "
            "Product build together. You'll run your own customer calls. KPIs are agreed jointly with "
            "the Head of Product each quarter."
        ),
    ),
    (
        {"roadmap": "pm", "customers": "pm", "metrics": "pm"},
        (
            "Product Owner. The postholder will translate the roadmap set by the Service Owner into "
            "user stories, work with the user researcher who runs all research with citizens, and track"
            " the performance indicators agreed by the programme board."
        ),
    ),
]


@pytest.mark.parametrize(("expected", "ad"), ADS)
def test_a_short_ad(expected: dict[str, str], ad: str) -> None:
    assert read(RULES, ad).answers == expected


@pytest.mark.parametrize(
    ("key", "expected", "ad"),
    [
        ("title", "po", "Senior Product Owner (m/f/d)\nBerlin"),
        ("title", "pm", "Lead Product Manager - Growth"),
        ("title", "other", "Product Lead, Payments"),
        ("title", "po", "We are hiring! Join us as Product Owner / Business Analyst."),
        ("title", "other", "Come and work with us."),
        ("size", "1-50", "Product Owner\nWe're a team of 45 building invoicing software."),
        ("size", "51-500", "Product Owner\nOur team of 8 engineers is part of a company of 300 people."),
        ("size", "51-500", "Product Owner\nJoin our 300-strong team in Leeds."),
        (
            "size",
            "51-500",
            "Product Owner\nWe make invoicing software for plumbers across the Netherlands. We are a team of\n85.\n",
        ),
        ("size", "51-500", "Product Owner\nWe are a team of 85 in Lyon."),
        ("size", "501-5000", "Product Owner\nWe have over 2,000 employees worldwide."),
        ("size", "5000+", "Product Owner\nMore than 5,000 colleagues work here."),
        ("size", "501-5000", "Product Owner\nAbout 5,000 colleagues work here."),
        ("size", "5000+", "Product Owner\n5,000+ employees."),
        ("size", "1-50", "Product Owner\nWe're 50 people."),
        ("size", "5000+", "Product Owner\n10k employees."),
        ("size", None, "Product Owner\nOur app is used by 2 million people."),
        ("size", "5000+", "Product Owner\nWith over 90 years of tradition, our 6,500 employees insure farms."),
        (
            "kind",
            "enterprise",
            "Product Owner\nWith over 90 years of tradition, our 6,500 employees insure farms as an insurer.",
        ),
        ("size", None, "Product Owner\nYou bring 5+ years of experience at a company of 300 people."),
        ("kind", None, "Product Owner, insurtech, Berlin. Backlog, stories, stakeholders."),
        ("kind", "enterprise", "Product Owner\nNordhav insures 300,000 homes in Norway."),
        ("kind", "other", "Product Owner\nTarangi is the scheduling platform used by 4,000 clinics across India."),
        ("kind", "eu-saas", "Product Manager, Kraków\nWe make Emberfall, a mobile RPG played across Europe."),
        ("kind", "enterprise", "Product Owner\nWe're Scandinavia's second-largest parcel carrier."),
        ("kind", "other", "Product Owner\nJoin a housing association that manages 30,000 homes."),
        ("kind", "enterprise", "Product Owner\nA 120-year-old family firm making forestry machinery."),
        ("kind", "enterprise", "Product Owner\nOur group runs hotels in nine countries."),
        ("kind", "eu-saas", "Product Owner\nWe build ERP software for breweries across Belgium."),
        ("kind", "eu-saas", "Product Owner\nOur platform helps 3,000 salons in Austria fill their calendars."),
        ("kind", "startup", "Product Owner\nA two-year-old company backed by Nordic VCs."),
        ("kind", "startup", "Product Owner\nWe're a seed-stage proptech company in Lisbon."),
        ("size", None, "Product Owner\nYou'll lead a team of 8 people."),
        ("model", "scrum", "Product Owner\nWe use Scrum with two-week sprints."),
        ("model", "safe", "Product Owner\nWe're a SAFe organisation with four release trains."),
        ("model", None, "Product Owner\nWe work in two-week sprints and love Kanban."),
        ("model", None, "Product Owner\nSAFe POPM certification required."),
        ("model", "none", "Product Owner\nWe don't follow any framework by the book."),
        ("kind", "eu-saas", "Product Owner\nFounded in 2015, we are a profitable SaaS company in Berlin."),
        ("kind", "startup", "Product Owner\nWe're a Series B fintech."),
        ("kind", "enterprise", "Product Owner\nA leading German insurer."),
        ("kind", "other", "Product Owner\nA US-based software company."),
        ("kind", "other", "Product Owner\nWe are a non-profit helping refugees."),
        ("kind", "bigtech", "Product Manager\nOur products are used by billions of people."),
        ("kind", "eu-saas", "Product Owner\nWe build software for banks across Europe."),
        ("kind", "eu-saas", "Product Owner – Banking Platform\nFinly builds software for banks across Europe."),
        ("kind", None, "Product Owner\nWe offer private health insurance and 8 bank holidays."),
        ("kind", "enterprise", "Product Owner – Billing | TelcoNord, 12,000 staff"),
        ("kind", "other", "Product Owner\nA US software company with annual revenue of $2 billion."),
        ("size", "51-500", "Product Owner\nWe are a team of 200 people."),
        ("size", "501-5000", "Product Owner\nHeadcount: 1,500"),
        ("size", "5000+", "Product Owner\nA bank with a workforce of 12,000."),
        ("size", "51-500", "Product Owner\nWe are a company of 400."),
        ("size", "51-500", "Product Owner\nCompany size: 51-200 employees."),
        ("kind", "enterprise", "Product Owner\nNordbank is a leading Scandinavian financial institution."),
        ("kind", "enterprise", "Product Owner\nA global hotel group."),
        ("kind", "enterprise", "Product Owner\nA national rail operator."),
        ("kind", "enterprise", "Product Owner\nWe supply 1.6 million households with electricity."),
        ("kind", "eu-saas", "Product Owner\nOur product is a cloud platform used by 3,000 companies across Europe."),
        ("kind", "eu-saas", "Product Owner\nWe make software for surf schools. Salary: €60k."),
        (
            "kind",
            "eu-saas",
            "Product Owner\nCobrita makes payment software in Madrid. We're very much not a startup any more.",
        ),
        ("kind", "other", "Product Owner\nThe City of Aldenburg's municipal services."),
        ("kind", "bigtech", "Product Manager\nOur products are used by more than 400 million people."),
        ("kind", "bigtech", "Product Manager\nOur products are used by over a billion people."),
        ("kind", None, "Product Manager\nOur app is used by 2 million people."),
        ("size", "501-5000", "Product Owner\nSome 3,100 civil servants work for us in four offices."),
        ("size", "5000+", "Product Owner\nEmployees: 12,000"),
        ("kind", "other", "Product Owner\nA hospital trust in the north of England."),
        ("kind", "enterprise", "Product Owner\nA private hospital group with 40 clinics across Germany."),
        ("kind", "eu-saas", "Product Owner\nAn IT services company with 40,000 engineers in India."),
        ("kind", "eu-saas", "Product Owner\nOur consultants work on site with our clients."),
        ("kind", "eu-saas", "Product Owner\nA design and technology agency in Manchester."),
        ("kind", "enterprise", "Product Owner\nWe make smart thermostats and other connected devices."),
        ("kind", "enterprise", "Product Owner\nWe build electric bikes in our factory in Eindhoven."),
        ("kind", "other", "Product Owner\nA federal agency."),
        ("kind", "other", "Product Owner\nWe are a not-for-profit organisation."),
        ("kind", "eu-saas", "Product Owner\nAn independent games studio in Helsinki."),
        ("kind", "other", "Product Owner\nA games studio in Montreal."),
        ("size", "51-500", "Product Owner\nWe are a software house of 230 engineers and designers."),
        ("kind", "eu-saas", "Delivery Lead at Castellan Consulting, working for clients across Europe."),
        ("kind", "enterprise", "Product Manager at a UK broadband and mobile provider."),
        ("kind", "enterprise", "Product Owner\nWe look after the pensions of 400,000 people."),
        ("kind", None, "Product Owner\nWe offer a pension scheme and 30 days off."),
        ("kind", "eu-saas", "Product Analyst at Kvadra (Danish HR software, 220 people)."),
        ("kind", "eu-saas", "Product Manager\nMirelle is the booking platform for salons across Europe."),
        ("size", "1-50", "Product Owner\nA small charity with a staff of 24."),
        ("size", "5000+", "Product Owner\nWe run 14 clinics with 9,000 team members."),
        ("size", "51-500", "Product Owner\nA software publisher with 320 collaborators."),
        ("size", "5000+", "Product Owner\nOur lab is a unit of 30 inside an insurer of 15,000."),
        ("kind", "enterprise", "Product Owner\nA health system that operates 12 hospitals."),
        ("kind", "other", "Product Manager\nWe are the public body behind the national tax portal."),
        ("kind", "eu-saas", "Product Manager\nWe make an online card game, from our office in Leiden."),
        ("kind", "startup", "Product Owner\nWe're a YC-backed company."),
        ("kind", "enterprise", "Product Owner\nWe run 200 hotels across Europe."),
        ("kind", "enterprise", "Product Owner\nA global chemicals group."),
        ("kind", "other", "Product Owner\nThe national statistics office."),
    ],
)
def test_context(key: str, expected: str | None, ad: str) -> None:
    assert read(RULES, ad).context.get(key) == expected


@pytest.mark.parametrize(
    ("ad", "role_type"),
    [
        ("Scrum Master, Payments tribe. Coach the team.", "scrum-master"),
        ("Project Manager (Digital). Plan and track delivery.", "project-manager"),
        ("Business Analyst – Claims IT. Document requirements.", "business-analyst"),
        ("Delivery Manager. Keep releases boring.", "delivery-manager"),
        ("Product Marketing Manager. Own positioning.", "other"),
        ("Senior Product Designer. Work with the Product Manager.", "other"),
        ("Agile Coach for our four tribes. Coach the coaches.", "other"),
        ("Product Owner / Business Analyst. Own the backlog.", "product"),
        ("Senior UX Researcher – Mobility. Plan the studies for three squads.", "other"),
        ("Product Operations Manager. Keep our tools and rituals tidy.", "other"),
        ("Product Owner, Search. Work with our UX researchers and a data scientist.", "product"),
    ],
)
def test_jobs_that_are_not_product_roles(ad: str, role_type: str) -> None:
    assert read(RULES, ad).role_type == role_type


def test_segments_join_wrapped_lines_and_keep_bullets_and_headings_apart() -> None:
    ad = "What you'll do\n- Own the roadmap for our app and decide what we\n  build next.\n- Talk to users.\nDone."
    sentences = split(ad)
    assert [ad[s.start : s.end] for s in sentences] == [
        "What you'll do",
        "Own the roadmap for our app and decide what we\n  build next.",
        "Talk to users.",
        "Done.",
    ]
    assert [s.heading for s in sentences] == [True, False, False, False]


def test_clauses_split_at_semicolons_colons_and_dashes() -> None:
    ad = "Discovery is the PM's job: she runs it; you join – sometimes."
    (sentence,) = split(ad)
    assert [(ad[c.start : c.end], c.statement) for c in sentence.clauses] == [
        ("Discovery is the PM's job", 0),
        ("she runs it", 0),
        ("you join", 1),
        ("sometimes.", 1),
    ]


def test_a_short_question_is_answered_by_the_sentence_after_it() -> None:
    ad = "The roadmap? Ours to decide together. Why join us? Great people."
    assert [ad[s.start : s.end] for s in split(ad)] == [
        "The roadmap? Ours to decide together.",
        "Why join us? Great people.",
    ]
    assert [ad[c.start : c.end] for c in split(ad)[0].clauses] == ["The roadmap", "Ours to decide together."]
    assert read(RULES, f"Product Owner\n\n{ad}").answers["roadmap"] == "shared"
    longer = "Who owns the roadmap here? You do."
    assert [longer[s.start : s.end] for s in split(longer)] == ["Who owns the roadmap here?", "You do."]


def test_a_bracketed_aside_is_left_out_of_its_clause_and_read_with_the_words_before_it() -> None:
    ad = "Our UX team (three researchers) runs the interviews (with users) weekly."
    (sentence,) = split(ad)
    whole, first, second = sentence.clauses
    assert (whole.start, whole.end) == (0, len(ad))
    assert [ad[low:high] for low, high in whole.holes] == ["(three researchers)", "(with users)"]
    assert ad[first.start : first.end] == "Our UX team (three researchers" and not first.holes
    assert ad[second.start : second.end] == "Our UX team (three researchers) runs the interviews (with users"
    assert [ad[low:high] for low, high in second.holes] == ["(three researchers)"]
    assert read(RULES, f"Product Owner\n\n{ad}").answers["customers"] == "pm"


def test_a_reading_becomes_the_checks_answers_with_the_silent_context_filled() -> None:
    ad = "Product Owner at a 12,000-staff bank\n\nThe roadmap is set by Product Management. You talk to customers."
    reading = read(RULES, ad)
    answers, assumed = check_answers(RULES, reading)
    assert answers == {
        "subject": "posting",
        "title": "po",
        "size": "5000+",
        "model": "unsure",
        "kind": "enterprise",
        "roadmap": "pm",
        "customers": "role",
        "metrics": "unsure",
    }
    assert assumed == ("model",)


def test_the_verdict_puts_the_ads_own_words_into_the_next_steps() -> None:
    ad = "Product Owner\n\nYou own the roadmap and talk to customers. KPIs are set by the business."
    judged = judge(CONTENT, RULES, read(RULES, ad))
    assert judged.result is not None and judged.verdict_id == "shared-scope"
    assert judged.next_steps[0].startswith("The ad gives this role the roadmap (“You own the roadmap and talk")
    assert judged.next_steps[2] == (
        "The ad says success metrics are set by someone else (“KPIs are set by the business.”): ask who decides "
        "what 'done' means, and whether this role can change the targets."
    )
    assert judged.next_steps[3:] == judged.result.next_steps


def test_a_job_that_is_not_a_product_role_gets_no_verdict_but_the_closest_entry() -> None:
    judged = judge(CONTENT, RULES, read(RULES, "Scrum Master – ART Lending (SAFe). Coach the team."))
    assert judged.verdict_id is None and judged.result is None
    assert judged.title == "A Scrum Master job, not a PM or PO role"
    assert judged.entries == ("job-vs-accountability",)
    assert judged.next_steps
